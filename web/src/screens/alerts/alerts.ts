// What the alert screens share: the alert's shape, the calls, which actions
// a person may take on an alert in its state, and the peers' time zones.
import { get, post, query } from '../../api/client';
import type { Item } from '../../api/types';

export interface AlertEvent {
  action: string;
  actor: string;
  side: 'ours' | 'theirs';
  at: string;
  level: number;
  note: string;
}

export interface Alert extends Item {
  item_kind: 'alert';
  priority: string;
  summary: string;
  details: string;
  raised_by: string;
  raised_at: string;
  delivered_at: string | null;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  escalation_level: number;
  closed_by: string | null;
  closed_at: string | null;
  close_note?: string;
  check?: boolean;
  history?: AlertEvent[];
}

export type Direction = 'incoming' | 'outgoing';
export type Status = 'open' | 'closed' | 'all';

export interface AlertPage {
  rows: Alert[];
  total: number;
}

export interface Filters {
  direction: Direction;
  status: Status;
  priority: '' | 'urgent' | 'normal';
  q: string;
  overdue: boolean;
}

// One page of the console's list, newest created first (`offset` is always
// sent: with it the order does not move while alerts change). A node
// without paging (no `total` in its answer) gives its first page only.
export async function fetchAlerts(f: Filters, offset: number, limit: number): Promise<AlertPage> {
  const a = await get<{ items: Alert[]; total?: number }>(
    `/v1/alerts${query({ direction: f.direction, status: f.status, priority: f.priority, q: f.q.trim(), overdue: f.overdue ? 'true' : undefined, limit, offset })}`,
  );
  if (typeof a.total === 'number') return { rows: a.items, total: a.total };
  return offset === 0 ? { rows: a.items, total: a.items.length } : { rows: [], total: a.items.length };
}

export const alertPath = (id: string) => `/v1/alerts/${encodeURIComponent(id)}`;

export function fetchAlert(id: string): Promise<Alert> {
  return get<Alert>(alertPath(id));
}

// A new alert, read once for the banner and the console together (both
// hear the same event at the same moment).
const arriving = new Map<string, Promise<Alert>>();
export function fetchArrived(id: string): Promise<Alert> {
  let p = arriving.get(id);
  if (!p) {
    p = fetchAlert(id);
    arriving.set(id, p);
    const forget = () => setTimeout(() => arriving.delete(id), 2000);
    p.then(forget, forget);
  }
  return p;
}

export function closeAlert(id: string, note: string): Promise<Alert> {
  return post<Alert>(`${alertPath(id)}/actions`, { action: 'close', args: { note } });
}

// An incoming alert that still waits for a person at this desk.
export function waitsForAcknowledgement(a: Pick<Item, 'origin' | 'state'>): boolean {
  return a.origin === 'theirs' && (a.state === 'raised' || a.state === 'delivered');
}

// The actions this person may take on the alert now (the node decides; the
// page offers no more than that): the receiving side acknowledges, the
// raising side closes in any state before closed.
export function allowedActions(a: Pick<Item, 'origin' | 'state'>, can: (p: string) => boolean): Array<'acknowledge' | 'close'> {
  if (!can('act_alerts')) return [];
  const out: Array<'acknowledge' | 'close'> = [];
  if (waitsForAcknowledgement(a)) out.push('acknowledge');
  if (a.origin === 'ours' && a.state !== 'closed') out.push('close');
  return out;
}

export function ackDeadline(a: Item) {
  return a.deadlines?.find((d) => d.name === 'acknowledge');
}

export function zoneOf(peers: Array<{ name: string; time_zone?: string | null }>, peer: string): string | null {
  return peers.find((p) => p.name === peer)?.time_zone ?? null;
}

// Marks when the page heard of an alert (the event stream's message), so
// that the time to its row on screen can be measured (docs/web/alerts.md).
export function markArrival(id: string) {
  try {
    performance.mark(`hotline:alert_received:${id}`);
  } catch {
    /* marks are a measurement aid only */
  }
}
