// The timeline of a request: every action in the agreed order, each with its
// envelope's sent and received times and its receipt (receipted at / pending),
// local steps (the draft, its approval) marked, void actions struck through
// (GET /v1/requests/{id}/timeline). A node without that route: the request's
// own history, without receipts.
import { useTranslation } from 'react-i18next';
import { codeName } from '../../i18n';
import { formatDuration } from '../../ui/time';
import type { RequestDoc } from './model';

export interface TimelineEntry {
  index: number;
  side: 'ours' | 'theirs';
  actor: string;
  action: string;
  args?: Record<string, unknown>;
  envelope: string | null;
  local: boolean;
  sent_at: string | null;
  received_at: string | null;
  receipt: { state: 'receipted' | 'pending' | 'none'; at: string | null };
  void: boolean;
}

export function timelineFromHistory(r: RequestDoc): TimelineEntry[] {
  return r.history.map((h, i) => ({
    index: i,
    side: h.side,
    actor: h.actor,
    action: h.action,
    envelope: null,
    local: false,
    sent_at: h.at,
    received_at: h.action === 'mark_received' ? h.at : null,
    receipt: { state: 'none', at: null },
    void: false,
  }));
}

export function waitsForReceipt(entries: TimelineEntry[]): boolean {
  return entries.some((e) => e.receipt?.state === 'pending');
}

// A step's moment to the second (several steps often fall in one minute).
function Moment({ at }: { at: string | null | undefined }) {
  const { t, i18n } = useTranslation();
  if (!at) return <span className="muted">{t('common.none')}</span>;
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return <span>{at}</span>;
  const text = new Intl.DateTimeFormat(i18n.language === 'zh-CN' ? 'zh-CN' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'medium',
  }).format(d);
  return <time dateTime={at}>{text}</time>;
}

// How long after it was sent a step reached the other side.
function Delay({ from, to }: { from: string | null; to: string | null | undefined }) {
  const { t } = useTranslation();
  if (!from || !to) return null;
  const ms = Date.parse(to) - Date.parse(from);
  if (!Number.isFinite(ms) || ms < 1000) return null;
  return <span className="muted rq-delay"> {t('requests.after', { d: formatDuration(ms) })}</span>;
}

function Receipt({ e }: { e: TimelineEntry }) {
  const { t } = useTranslation();
  if (e.local) return <span className="muted">{t('requests.local_step')}</span>;
  const state = e.receipt?.state ?? 'none';
  if (state === 'receipted')
    return (
      <span className="rq-receipted">
        {t('requests.receipted_at')} <Moment at={e.receipt.at} />
        <Delay from={e.sent_at} to={e.receipt.at} />
      </span>
    );
  if (state === 'pending') return <span className="rq-pending">{t('requests.receipt_pending')}</span>;
  return <span className="muted">{t('common.none')}</span>;
}

export function Timeline({ entries, fallback }: { entries: TimelineEntry[]; fallback: boolean }) {
  const { t } = useTranslation();
  return (
    <section className="panel" aria-labelledby="rq-timeline">
      <h2 id="rq-timeline">{t('requests.timeline')}</h2>
      {fallback && <p className="hint">{t('requests.timeline_fallback')}</p>}
      <table className="rq-timeline">
        <thead>
          <tr>
            <th scope="col">{t('requests.tl_index')}</th>
            <th scope="col">{t('requests.tl_action')}</th>
            <th scope="col">{t('requests.tl_side')}</th>
            <th scope="col">{t('requests.tl_actor')}</th>
            <th scope="col">{t('requests.tl_sent')}</th>
            <th scope="col">{t('requests.tl_received')}</th>
            <th scope="col">{t('requests.tl_receipt')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr
              key={`${e.index}-${e.envelope ?? e.action}`}
              className={`rq-tl-entry ${e.void ? 'rq-void' : ''}`}
              data-action={e.action}
              data-side={e.side}
              data-receipt={e.local ? 'local' : (e.receipt?.state ?? 'none')}
            >
              <td>{e.index + 1}</td>
              <td>
                <span className="rq-tl-action">{codeName(t, 'action', e.action)}</span>
                {e.void && <span className="rq-void-mark"> {t('requests.void')}</span>}
              </td>
              <td>{codeName(t, 'side', e.side)}</td>
              <td>{e.actor || t('common.none')}</td>
              <td>
                <Moment at={e.sent_at} />
              </td>
              <td>
                <Moment at={e.received_at} />
                <Delay from={e.sent_at} to={e.received_at} />
              </td>
              <td>
                <Receipt e={e} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
