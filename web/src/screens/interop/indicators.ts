// Indicators and sightings as the API gives them (docs/http-api.md,
// "Indicators"), and the small conversions the interop screens share: the
// field an API error names, times between the API's form and a
// datetime-local field, a sighting's total per indicator.
import { ApiError } from '../../api/client';

// The node's indicator types (model/indicator.h kIndicatorTypes).
export const indicatorTypes = [
  'ipv4-addr', 'ipv6-addr', 'domain-name', 'url', 'email-addr',
  'md5', 'sha1', 'sha256', 'file-name', 'autonomous-system',
] as const;

export interface Indicator {
  type: string;
  value: string;
  first_seen: string | null;
  last_seen: string | null;
  confidence: number | null;
  tlp: string | null; // null: the case's
  note: string;
}

export interface Sighting {
  type: string;
  value: string;
  first_seen: string;
  last_seen: string;
  count: number;
  where: string;
  side: 'ours' | 'theirs';
  by: string;
  at: string;
}

// GET /v1/indicators?value=V: an indicator with its case and how V found it.
export interface IndicatorHit extends Indicator {
  case: { id: string; title: string; state: string; tlp: string; link: string };
  effective_tlp: string;
  matched: 'exact' | 'parent_domain' | 'range' | 'host' | string;
}

export const keyOf = (i: { type: string; value: string }) => `${i.type}\u0000${i.value}`;

// The sum of the sightings' counts per indicator, and how many reports.
export function sightingTotals(sightings: Sighting[]): Map<string, { count: number; reports: number }> {
  const out = new Map<string, { count: number; reports: number }>();
  for (const s of sightings) {
    const k = keyOf(s);
    const t = out.get(k) ?? { count: 0, reports: 0 };
    t.count += s.count;
    t.reports += 1;
    out.set(k, t);
  }
  return out;
}

// The form field an API error is about: the node names it as "args.NAME"
// or "indicator.NAME" in its sentence; a value whose type it cannot guess
// is about the type. Null: the error belongs to the whole form.
export function fieldOfError(error: unknown, fields: readonly string[]): string | null {
  if (!(error instanceof ApiError)) return null;
  const m = /\b(?:args|indicator|sighting)\.(\w+)/.exec(error.message);
  if (m && fields.includes(m[1])) return m[1];
  if (error.code === 'indicator_invalid' && /'type'|the type/.test(error.message) && fields.includes('type')) return 'type';
  if (error.code === 'indicator_unknown' && fields.includes('value')) return 'value';
  return null;
}

const pad = (n: number) => String(n).padStart(2, '0');

// An API time as a datetime-local field's value, in the reader's zone.
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// A datetime-local field's value (the reader's zone) as the API's time
// (YYYY-MM-DDTHH:MM:SS.mmmZ); null when empty.
export function fromLocalInput(local: string): string | null {
  if (!local) return null;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
