// Every envelope of the alert, in the agreed order, with when it was sent
// and received and whether the other side's receipt came back
// (GET /v1/alerts/{id}/timeline).
import { useTranslation } from 'react-i18next';
import { CodeName } from './CodeName';

// To the second: envelopes cross within seconds.
function Time({ at }: { at: string | null | undefined }) {
  const { t, i18n } = useTranslation();
  if (!at) return <span className="muted">{t('common.none')}</span>;
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return <span>{at}</span>;
  const text = new Intl.DateTimeFormat(i18n.language === 'zh-CN' ? 'zh-CN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'medium' }).format(d);
  return <time dateTime={at}>{text}</time>;
}

export interface TimelineEntry {
  index: number;
  side: 'ours' | 'theirs';
  actor: string;
  action: string;
  args?: unknown;
  envelope?: string;
  local?: boolean;
  sent_at: string | null;
  received_at: string | null;
  receipt?: { state: 'receipted' | 'pending' | 'none' | string; at?: string | null };
  void?: boolean;
}

function Receipt({ r }: { r: TimelineEntry['receipt'] }) {
  const { t } = useTranslation();
  if (!r || r.state === 'none') return <span className="muted">{t('alerts.receipt_none')}</span>;
  if (r.state === 'pending') return <span className="receipt-pending">{t('alerts.receipt_pending')}</span>;
  return (
    <span className="receipt-receipted">
      {t('alerts.receipt_receipted')} <Time at={r.at} />
    </span>
  );
}

export function AlertTimeline({ entries }: { entries: TimelineEntry[] }) {
  const { t } = useTranslation();
  return (
    <section className="panel alert-section" aria-labelledby="alert-timeline-title">
      <h2 id="alert-timeline-title">{t('alerts.timeline')}</h2>
      {entries.length === 0 ? (
        <p className="muted">{t('common.list_empty')}</p>
      ) : (
        <table className="timeline">
          <thead>
            <tr>
              <th>{t('alerts.timeline_index')}</th>
              <th>{t('alerts.whose')}</th>
              <th>{t('alerts.who')}</th>
              <th>{t('alerts.what')}</th>
              <th>{t('alerts.sent')}</th>
              <th>{t('alerts.received')}</th>
              <th>{t('alerts.receipt')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={`${e.index}-${e.envelope ?? ''}`} className={e.void ? 'void' : ''} data-action={e.action}>
                <td>{e.index}</td>
                <td><CodeName group="side" code={e.side} /></td>
                <td>{e.actor || t('alerts.the_node')}</td>
                <td>
                  <CodeName group="action" code={e.action} />
                  {e.void ? ` (${t('alerts.void')})` : ''}
                </td>
                <td><Time at={e.sent_at} /></td>
                <td><Time at={e.received_at} /></td>
                <td><Receipt r={e.receipt} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
