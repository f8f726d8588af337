// The agenda points a node finds in its records (review/agenda.cpp) are
// written by the node in English, in a few fixed forms. In another language
// they are said again from the catalogue, the figures, ids and names kept;
// a point of an unknown form (a newer node's) stays as the node wrote it.
import type { TFunction } from 'i18next';
import { codeName } from '../../i18n';

type Rule = [RegExp, (t: TFunction, m: RegExpMatchArray) => string];

const shares: Record<string, string> = {
  'requests acknowledged': 'review.agenda_what_requests_acknowledged',
  'requests answered': 'review.agenda_what_requests_answered',
  'alerts acknowledged': 'review.agenda_what_alerts_acknowledged',
};
const further: Record<string, string> = {
  'figures that got worse': 'review.agenda_further_worse',
  'overdue requests': 'review.agenda_further_overdue',
  'declined requests': 'review.agenda_further_declined',
  'alerts and checks not acknowledged in time': 'review.agenda_further_not_acked',
  'open disputes': 'review.agenda_further_disputes',
  'open action items': 'review.agenda_further_items',
};
const kindOf = (t: TFunction, words: string) => {
  const m = /^(\w+) request$/.exec(words);
  return m ? codeName(t, 'request_kind', m[1]) : codeName(t, 'item_kind', words);
};

const rules: Rule[] = [
  [
    /^Worse: (.+?) in time fell from (.+?) to (.+?) \((.+) answering (.+)\)$/,
    (t, m) =>
      shares[m[1]]
        ? t('review.agenda_worse_share', { what: t(shares[m[1]]), from: m[2], to: m[3], responder: m[4], asker: m[5] })
        : '',
  ],
  [
    /^Worse: the median time to a final answer rose from (\d+) h to (\d+) h \((.+) answering (.+)\)$/,
    (t, m) => t('review.agenda_worse_median', { from: m[1], to: m[2], responder: m[3], asker: m[4] }),
  ],
  [
    /^Overdue: (.+?) (\S+) \((.+) asked (.+), (\w+)\)$/,
    (t, m) =>
      t('review.agenda_overdue', { kind: kindOf(t, m[1]), id: m[2], asker: m[3], responder: m[4], priority: codeName(t, 'priority', m[5]) }),
  ],
  [
    /^Declined: (.+?) (\S+) \((.+) asked (.+)\), reason: (\w+)$/,
    (t, m) =>
      t('review.agenda_declined', { kind: kindOf(t, m[1]), id: m[2], asker: m[3], responder: m[4], reason: codeName(t, 'decline_reason', m[5]) }),
  ],
  [
    /^Not acknowledged in time: (alert|communication check) (\S+) \((.+) to (.+), (acknowledged late|never acknowledged)\)$/,
    (t, m) =>
      t(`review.agenda_not_acked_${m[1] === 'alert' ? 'alert' : 'check'}_${m[5] === 'acknowledged late' ? 'late' : 'never'}`, {
        id: m[2],
        asker: m[3],
        responder: m[4],
      }),
  ],
  [
    /^Open dispute (\S+) \((\w+)\), opened by (.+) on (\d{4}-\d{2}-\d{2})$/,
    (t, m) => t('review.agenda_open_dispute', { id: m[1], ground: codeName(t, 'ground', m[2]), party: m[3], date: m[4] }),
  ],
  [
    /^Open action item (\d+) of round (\S+) \((.+), due (\S+)\): (.*)$/,
    (t, m) => t('review.agenda_open_item', { n: m[1], round: m[2], owner: m[3], due: m[4], text: m[5] }),
  ],
  [/^Further (.+): (\d+), see the report$/, (t, m) => (further[m[1]] ? t(further[m[1]], { count: Number(m[2]) }) : '')],
];

export function agendaText(t: TFunction, lang: string, source: string, text: string): string {
  if (source !== 'records' || lang === 'en') return text;
  for (const [re, say] of rules) {
    const m = re.exec(text);
    if (m) return say(t, m) || text;
  }
  return text;
}

// Where the item a point from the records names lives in the app, read from
// the point's fixed form; null for a figure or an unknown form.
export function agendaLink(text: string, ref: string): string | null {
  if (!ref || ref.startsWith('/')) return null;
  if (/^(Overdue|Declined): /.test(text)) return `/requests/${ref}`;
  if (/^Not acknowledged in time: /.test(text)) return `/alerts/${ref}`;
  if (/^Open dispute /.test(text)) return `/review/disputes/${ref}`;
  if (/^Open action item /.test(text)) return `/review/rounds/${ref}`;
  return null;
}
