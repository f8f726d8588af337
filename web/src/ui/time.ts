// Dates and times for people: in the reader's time zone (the browser's),
// and a peer's local time beside deadlines (the peer's office zone from the
// agreement, GET /v1/peers time_zone).
import i18next from 'i18next';

function locale() {
  return i18next.language === 'zh-CN' ? 'zh-CN' : 'en-GB';
}

export function formatTime(iso: string | null | undefined, zone?: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: zone ?? undefined,
  }).format(d);
}

export function formatTimeOnly(iso: string, zone?: string | null): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { timeStyle: 'short', timeZone: zone ?? undefined }).format(d);
}

// "3 min", "2 h 5 min", "4 d 3 h" in the chosen language.
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  const s = Math.floor(abs / 1000);
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const d = Math.floor(h / 24);
  const t = i18next.t.bind(i18next);
  if (d > 0) return t('common.duration_dh', { d, h: h % 24 });
  if (h > 0) return t('common.duration_hm', { h, m: m % 60 });
  if (m > 0) return t('common.duration_ms', { m, s: s % 60 });
  return t('common.duration_s', { s });
}

export function zoneName(zone?: string | null): string {
  return zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}
