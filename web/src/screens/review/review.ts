// What the review screens share: the API's shapes (docs/api/openapi.yaml,
// docs/review.md), how figures are written (shares, durations, trends, as
// the report's own renderings write them) and where an item lives.
import type { TFunction } from 'i18next';
import type { Item } from '../../api/types';

export type Side = 'ours' | 'theirs';

export interface ReviewSummary {
  id: string;
  peer: string;
  link: string;
  period_from: string;
  period_to: string;
  state: 'made' | 'agreed' | string;
  made_by: Side;
  signatures: number;
  created_at: string;
  updated_at: string;
}

export interface Judgement {
  item: string;
  group: string;
  period: 'current' | 'previous';
  detail: Record<string, unknown>;
  text?: string;
}

export interface ReportFile {
  format: string;
  body: Body;
  signatures: { party: string; name: string; key: string; tree_head: Record<string, unknown>; signature: string }[];
  judgements?: Judgement[];
}

export interface ReviewView extends ReviewSummary {
  report: ReportFile;
}

// The body (docs/review.md "The body, member by member"); figures are read
// by path, so only the frame is typed.
export type Json = Record<string, unknown>;
export interface Body {
  format: string;
  link: string;
  parties: { a: { name: string; time_zone: string }; b: { name: string; time_zone: string } };
  period: { from: string; to: string };
  previous_period: { from: string; to: string };
  cut: { a_to_b: number; b_to_a: number; agreements: string[]; tzdb: string };
  adjustments: { item: string; deadline: string; dispute: string; text?: string; [k: string]: unknown }[];
  directions: Direction[];
  disputes: { current: Json; previous: Json };
  cases: { opened: number; open_at_end: number; closed_at_end: number; list: Json[] };
}
export interface Pair {
  current: Json;
  previous: Json;
}
export interface Direction {
  asker: 'a' | 'b';
  responder: 'a' | 'b';
  requests: (Pair & { kind: string; priority: string })[];
  requests_total: Pair;
  alerts: (Pair & { priority: string })[];
  alerts_total: Pair;
  takedown: Pair;
  checks: Pair;
}

export interface Verification {
  id: string;
  peer: string;
  matches: boolean;
  body_matches: boolean;
  signature_problems: string[];
  in_flight: string | null;
  figures: { path: string; ours: unknown; theirs: unknown }[];
  items: { item: string; group: string; field: string; ours: unknown; theirs: unknown; text: string }[];
  lines: string[];
}

export interface Explanation {
  figure: string;
  value: unknown;
  items: Judgement[];
}

export interface Position {
  side: Side;
  actor: string;
  at: string;
  action: 'open' | 'answer' | 'add_position';
  text: string;
  lang: string;
  translation_of: number | null;
  attachments: { sha256: string; name: string; size?: number }[];
}

export interface Settlement {
  version: number;
  side: Side;
  actor: string;
  at: string;
  text: string;
  adjustment: { item: string; deadline: string } | null;
}

export interface HistoryEntry {
  action: string;
  actor: string;
  side: Side;
  at: string;
  args: Json;
}

export interface Dispute extends Item {
  ground: string;
  subject: { item?: string; figure?: string; period_from?: string; period_to?: string };
  positions: Position[];
  proposal_version: number;
  proposal: Settlement | null;
  settled_at: string | null;
  settled_by: string;
  withdraw_reason: string;
  history: HistoryEntry[];
}

export interface Participant {
  name: string;
  role: string;
  party: string;
}
export interface AgendaPoint {
  text: string;
  source: 'records' | 'party' | string;
  ref: string;
}
export interface ActionItem {
  owner: Side;
  text: string;
  due: string;
  done: boolean;
  done_at: string | null;
  done_by: string;
  done_note: string;
  overdue?: boolean;
}
export interface Round extends Item {
  plan: {
    title: string;
    period_from: string;
    period_to: string;
    meeting_at: string;
    place: string;
    participants: Participant[];
    agenda: AgendaPoint[];
  };
  agenda_version: number;
  agenda_accepted_ours: boolean;
  agenda_accepted_theirs: boolean;
  minutes_version: number;
  minutes_by: Side;
  minutes: string;
  action_items: ActionItem[];
  action_items_overdue?: number;
  closed_at: string | null;
  cancel_reason: string;
  history: HistoryEntry[];
}
export interface ListedActionItem extends ActionItem {
  round: string;
  round_title: string;
  peer: string;
  number: number;
}

export const grounds = ['timeliness', 'quality', 'attribution', 'jurisdiction', 'other'] as const;
export const adjustableDeadlines = ['acknowledge', 'first_response', 'final_response'] as const;
export const disputeStates = ['open', 'answered', 'settlement_proposed', 'settled', 'withdrawn'] as const;
export const roundStates = ['proposed', 'agenda_agreed', 'minutes_proposed', 'closed', 'cancelled'] as const;

// ---- reading figures

export function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('/').filter(Boolean)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export type FigureKind = 'count' | 'permille' | 'duration' | 'centi';
// Whether a rise is good news: a higher share on time is better, a longer
// median or more overdue items worse; counts of work are neither.
export type Better = 'higher' | 'lower' | 'neutral';

// A share in permille as a percentage with one decimal, rounded down.
export function formatPermille(t: TFunction, p: number): string {
  const tenths = Math.floor(p);
  return t('review.percent', { v: `${Math.floor(tenths / 10)}.${tenths % 10}` });
}

// Counted seconds, rounded down to the minute, never in days (working time).
export function formatSeconds(t: TFunction, s: number): string {
  if (s < 60) return t('review.dur_s', { s: Math.floor(s) });
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  if (h === 0) return t('review.dur_m', { m });
  if (m % 60 === 0) return t('review.dur_h', { h });
  return t('review.dur_hm', { h, m: m % 60 });
}

export function formatFigure(t: TFunction, kind: FigureKind, v: number | null): string {
  if (v === null) return t('common.none');
  switch (kind) {
    case 'permille':
      return formatPermille(t, v);
    case 'duration':
      return formatSeconds(t, v);
    case 'centi':
      return (Math.floor(v) / 100).toFixed(2);
    default:
      return String(v);
  }
}

// The trend in words with an arrow, never by colour alone.
export function trendOf(t: TFunction, cur: number | null, prev: number | null, better: Better): { text: string; tone: string } {
  if (cur === null || prev === null) return { text: t('common.none'), tone: 'none' };
  if (cur === prev) return { text: t('review.trend_same'), tone: 'same' };
  const up = cur > prev;
  if (better === 'neutral') return { text: up ? t('review.trend_up') : t('review.trend_down'), tone: 'neutral' };
  const good = up === (better === 'higher');
  return {
    text: `${up ? '↑' : '↓'} ${good ? t('review.trend_better') : t('review.trend_worse')}`,
    tone: good ? 'better' : 'worse',
  };
}

// A deadline's status in a report (docs/review.md "Deadlines"): on_time,
// late, pending, overdue, ended, no_deadline.
export function reviewStatus(t: TFunction, status: string): string {
  const key = `review.status_${status}`;
  const name = t(key);
  return name === key ? status : name;
}

// ---- dates

// A period for people: [from, to) ends on the day before `to` when `to` is
// midnight UTC; otherwise at `to` itself.
export function formatDay(iso: string, lang: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang === 'zh-CN' ? 'zh-CN' : 'en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(d);
}

export function periodEndDay(toIso: string): string {
  const d = new Date(toIso);
  if (d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0 && d.getUTCMilliseconds() === 0)
    return new Date(d.getTime() - 86400000).toISOString();
  return toIso;
}

// "2026-03-01" from a date input, as midnight UTC.
export function dayStart(day: string): string {
  return `${day}T00:00:00.000Z`;
}

export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

// ---- items

// Where an item of a judgement lives in the app.
export function itemPath(kind: string, id: string): string | null {
  if (kind === 'alert' || kind === 'check') return `/alerts/${id}`;
  if (kind.startsWith('request')) return `/requests/${id}`;
  if (kind === 'case') return `/cases/${id}`;
  if (kind === 'dispute') return `/review/disputes/${id}`;
  if (kind === 'round') return `/review/rounds/${id}`;
  return null;
}

// A request kind of the body ("request.information") as the API's code.
export function requestKindCode(kind: string): string {
  return kind.startsWith('request.') ? kind.slice('request.'.length) : kind;
}

export function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id;
}

// The events that change what the review screens show.
export function touches(kind: string, e: { kind: string; item?: { kind: string; id: string } }): boolean {
  if (e.kind === `${kind}_received`) return true;
  if ((e.kind === 'item_changed' || e.kind === 'item_action_void' || e.kind === 'translation_added') && e.item?.kind === kind) return true;
  return false;
}
