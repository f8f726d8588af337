// The shapes the admin screens read (docs/api/openapi.yaml: User, Token,
// Peer, Agreement, AgreementRecord, AgreementStatus).
export const roles = ['operator', 'supervisor', 'translator', 'reviewer', 'admin', 'service'] as const;

export interface User {
  name: string;
  display_name: string;
  roles: string[];
  permissions: string[];
  disabled: boolean;
  totp: boolean;
  created_at: string;
  updated_at: string;
}

export interface Token {
  id: string;
  user: string;
  label: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  expires_at: string | null;
  read_only: boolean;
}

export interface DeadlineRule {
  kind: string;
  priority: string;
  acknowledge_minutes: number | null;
  respond_minutes: number | null;
  calendar: string;
}

export interface Party {
  name: string;
  public_key: string;
  contacts: { name: string; role: string; email: string; phone: string }[];
  languages: string[];
  time_zone: string;
  office_hours: { weekdays: number[]; start_minute: number; end_minute: number; holidays: string[] };
}

export interface Agreement {
  version: number;
  amendment: number;
  link: string;
  a: Party;
  b: Party;
  deadlines: DeadlineRule[];
  clock_tolerance_ms: number;
  heartbeat_interval_s: number;
  four_eyes: boolean;
  effective_from: string;
  supersedes: string | null;
}

export interface AgreementRecord {
  digest: string;
  amendment: number;
  state: string;
  proposed_by: string;
  proposed_at: string;
  accepted_at: string | null;
  document: Agreement;
}

export interface AgreementStatus {
  peer: string;
  current: AgreementRecord | null;
  pending: AgreementRecord | null;
}
