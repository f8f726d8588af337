// The shapes of the API's answers that more than one screen reads
// (docs/api/openapi.yaml has them all). Item documents carry more members
// per kind; screens read those with their own narrower types.

export interface Me {
  name: string;
  display_name?: string;
  roles: string[];
  permissions: string[];
  csrf_token?: string;
  expires_at?: string;
  idle_expires_at?: string;
}

export interface Item {
  id: string;
  item_kind: 'alert' | 'request' | 'case' | 'dispute' | 'round';
  state: string;
  peer: string;
  link: string;
  tlp: string;
  title: string;
  created_at: string;
  updated_at: string;
  origin?: 'ours' | 'theirs';
  priority?: string;
  labels?: Record<string, unknown>;
  deadlines?: Deadline[];
  files?: FileNote[];
  translations?: Translation[];
  [member: string]: unknown;
}

// service/deadline_service.h DeadlineView.
export interface Deadline {
  name: 'acknowledge' | 'respond' | string;
  minutes: number;
  calendar: 'always' | 'office_hours' | string;
  start: string;
  due_at?: string | null; // absent while a pause stops the clock
  met_at?: string | null;
  permille: number;
  status: 'running' | 'paused' | 'overdue' | 'met' | 'met_late' | 'stopped' | string;
  side: 'ours' | 'theirs';
}

export interface FileNote {
  sha256: string;
  size: number;
  name: string;
}

export interface Translation {
  id: string;
  field: string;
  lang: string;
  text: string;
  by: string;
  at: string;
  source_sha256: string;
  current: boolean;
}

export interface ItemPage {
  items: Item[];
  total?: number;
  offset?: number;
}

export interface Peer {
  name: string;
  url: string;
  fingerprint: string;
  state: string;
  connected: boolean;
  last_contact: string | null;
  last_heartbeat: string | null;
  queue_length: number;
  time_zone?: string | null;
  agreement: string | null;
  [member: string]: unknown;
}

export interface NodeEvent {
  id: number;
  at: string;
  kind: string;
  link?: string;
  peer?: string;
  item?: { kind: string; id: string };
  detail?: string;
}
