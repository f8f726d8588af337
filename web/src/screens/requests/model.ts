// What the request page needs to know about a request document (the node's
// model/request.h to_json, plus the item's members from the API), and which
// actions this person may take on it: the same rules as the model's
// is_possible() and its sides, the service's (a draft is only approved), and
// the API's permissions (act_requests, approve_requests; four-eyes: not the
// author). An action the node would refuse is not offered.
import type { Item } from '../../api/types';

export interface RequestEvent {
  action: string;
  actor: string;
  side: 'ours' | 'theirs';
  at: string;
  note: string;
  reason: string | null;
  rating: Rating | null;
}

export interface Rating {
  completeness: number;
  usefulness: number;
  comment: string;
}

export interface FileEntry {
  sha256: string;
  size: number;
  name: string;
  action?: string;
  side?: string;
  actor?: string;
}

export interface RequestDoc extends Item {
  origin: 'ours' | 'theirs';
  kind: string;
  request_kind?: string;
  priority: string;
  subject: string;
  details: string;
  author: string;
  four_eyes: boolean;
  approved_by: string | null;
  sent_at: string | null;
  received_at: string | null;
  acknowledged_at: string | null;
  responded_final_at: string | null;
  closed_at: string | null;
  decline_reason: string | null;
  ratings: Rating[];
  reopen_count: number;
  history: RequestEvent[];
  files: FileEntry[];
  void?: Array<{ envelope: string; side: string; action: string; actor: string; reason: string }>;
}

// The actions a person can take through the web app, in the order offered.
export const requestActions = [
  'approve',
  'acknowledge',
  'request_clarification',
  'give_clarification',
  'respond_partial',
  'respond_final',
  'decline',
  'withdraw',
  'close',
  'reopen',
] as const;
export type RequestActionName = (typeof requestActions)[number];

export const declineReasons = [
  'outside_scope',
  'insufficient_information',
  'legal_obstacle',
  'not_competent',
  'duplicate',
  'other',
] as const;

export const requestKinds = ['information', 'preservation', 'takedown', 'assistance'] as const;
export const priorities = ['urgent', 'normal'] as const;
export const requestStates = [
  'draft',
  'approved',
  'sent',
  'received',
  'acknowledged',
  'clarification_requested',
  'responded_partial',
  'responded_final',
  'closed',
  'declined',
  'withdrawn',
] as const;
export const tlpLevels = ['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT', 'TLP:RED'] as const;
export const papLevels = ['PAP:CLEAR', 'PAP:GREEN', 'PAP:AMBER', 'PAP:RED'] as const;

export const maxReopens = 1;

// model/request.h is_possible(): whether the state allows the action.
export function statePermits(r: Pick<RequestDoc, 'state' | 'reopen_count'>, action: RequestActionName): boolean {
  const s = r.state;
  switch (action) {
    case 'approve':
      return s === 'draft';
    case 'acknowledge':
      return s === 'sent' || s === 'received';
    case 'request_clarification':
    case 'respond_partial':
    case 'respond_final':
      return s === 'acknowledged' || s === 'responded_partial';
    case 'give_clarification':
      return s === 'clarification_requested';
    case 'decline':
      return ['sent', 'received', 'acknowledged', 'clarification_requested', 'responded_partial'].includes(s);
    case 'withdraw':
      // The model allows it from draft and approved too, but the node keeps
      // a draft on this side only and refuses actions on it (approve first).
      return ['sent', 'received', 'acknowledged', 'clarification_requested', 'responded_partial'].includes(s);
    case 'close':
      return s === 'responded_final';
    case 'reopen':
      return s === 'closed' && r.reopen_count < maxReopens;
  }
}

// Which side takes the action: the requesting side (the request's origin)
// approves, gives clarifications, withdraws, closes and reopens; the
// responding side acknowledges, asks, responds and declines.
const requesterActions: ReadonlySet<RequestActionName> = new Set([
  'approve',
  'give_clarification',
  'withdraw',
  'close',
  'reopen',
]);

export function isRequester(r: Pick<RequestDoc, 'origin'>): boolean {
  return r.origin === 'ours';
}

export interface Person {
  name: string;
  can: (permission: string) => boolean;
}

export function allowedActions(
  r: Pick<RequestDoc, 'state' | 'reopen_count' | 'origin' | 'author'>,
  who: Person,
): RequestActionName[] {
  return requestActions.filter((a) => {
    if (!statePermits(r, a)) return false;
    const ours = requesterActions.has(a);
    if (ours !== isRequester(r)) return false;
    if (a === 'approve') return who.can('approve_requests') && who.name !== r.author;
    return who.can('act_requests');
  });
}

// The deadline whose clock runs now (or the first still open), for the list.
export function currentDeadline(item: Item) {
  const open = (item.deadlines ?? []).filter((d) => !d.met_at && d.status !== 'stopped');
  return open.find((d) => d.status === 'running' || d.status === 'overdue') ?? open[0] ?? null;
}

export function kindOf(item: Item): string {
  return (item.request_kind as string | undefined) ?? (item.kind as string | undefined) ?? '';
}
