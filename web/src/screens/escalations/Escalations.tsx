// /escalations: escalations and round reminders, newest first, with how each
// reached its channels (GET /v1/escalations): the webhook, and per e-mail
// recipient delivered, retrying (attempts, next try, the last error),
// queued, or failed with the relay's answer. A failed mail stands out: its
// row is marked, its error shown, and the page says how many failed. The
// list refreshes by itself every few seconds.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { get, query } from '../../api/client';
import { ErrorNote, Page } from '../../ui/Page';
import { Time } from '../../ui/Time';
import '../admin/mail.css';

interface EscalationMail {
  to: string;
  lang: string;
  state: 'delivered' | 'retrying' | 'queued' | 'failed';
  attempts: number;
  at: string | null;
  next_at: string | null;
  error: string;
  message_id: string;
}

interface Escalation {
  id: number;
  at: string;
  trigger: string;
  item: { kind: string; id: string } | null;
  webhook: { state: string; attempts: number; at: string | null; error: string };
  mail_state: 'none' | 'queued' | 'retrying' | 'delivered' | 'failed';
  mail: EscalationMail[];
}

interface EscalationList {
  escalations: Escalation[];
  total: number;
  offset: number;
}

const pageSize = 50;
const refreshMs = 5000;

const itemPaths: Record<string, string> = {
  alert: '/alerts/',
  request: '/requests/',
  case: '/cases/',
  dispute: '/review/disputes/',
  round: '/review/rounds/',
};

// "alert.acknowledge.100" -> a sentence in the reader's language.
function useTriggerText() {
  const { t } = useTranslation();
  return (trigger: string) => {
    const p = trigger.split('.');
    if (p[0] === 'alert' && p.length === 3) return t(p[2] === '100' ? 'mail.trigger_alert_100' : 'mail.trigger_alert_200');
    if (p[0] === 'request' && p.length === 3) {
      const deadline = p[1] === 'acknowledge' ? t('mail.deadline_acknowledge') : p[1] === 'respond' ? t('mail.deadline_respond') : p[1];
      return t('mail.trigger_request', { pct: p[2], deadline });
    }
    if (p[0] === 'round' && p[1] === 'meeting' && p.length >= 3) return t('mail.trigger_meeting', { days: p[2].replace(/d$/, '') });
    if (p[0] === 'round' && p[1] === 'action' && p.length >= 3) return t('mail.trigger_action', { n: p[2] });
    return trigger;
  };
}

function MailLine({ m }: { m: EscalationMail }) {
  const { t } = useTranslation();
  return (
    <li className={`esc-mail esc-mail-${m.state}`} data-to={m.to}>
      <span className="esc-mail-to">{m.to}</span> <span className={`esc-badge esc-badge-${m.state}`}>{t(`mail.state_${m.state}`)}</span>{' '}
      {m.state === 'delivered' && <Time at={m.at} />}
      {m.state === 'retrying' && (
        <span className="esc-mail-detail">
          {t('mail.attempts', { count: m.attempts })} · {t('mail.next_try')} <Time at={m.next_at} />
        </span>
      )}
      {m.state === 'failed' && <Time at={m.at} />}
      {(m.state === 'retrying' || m.state === 'failed') && m.error && <div className="esc-mail-error">{m.error}</div>}
    </li>
  );
}

function EscalationRow({ e }: { e: Escalation }) {
  const { t } = useTranslation();
  const triggerText = useTriggerText();
  return (
    <tr className={`esc-row esc-row-${e.mail_state}`} data-escalation={e.id}>
      <td>
        <Time at={e.at} />
      </td>
      <th scope="row">{triggerText(e.trigger)}</th>
      <td>
        {e.item ? (
          <Link to={`${itemPaths[e.item.kind] ?? '/'}${e.item.id}`}>
            {t(`mail.item_${e.item.kind}`, { defaultValue: e.item.kind })} {e.item.id.slice(0, 8)}
          </Link>
        ) : (
          <span className="muted">{t('mail.item_withheld')}</span>
        )}
      </td>
      <td>
        {t(`mail.webhook_${e.webhook.state}`, { defaultValue: e.webhook.state })}
        {e.webhook.state === 'delivered' && (
          <>
            {' '}
            <Time at={e.webhook.at} />
          </>
        )}
      </td>
      <td>
        {e.mail.length === 0 ? (
          <span className="muted">{t('mail.no_mail')}</span>
        ) : (
          <ul className="esc-mails">
            {e.mail.map((m) => (
              <MailLine key={m.to} m={m} />
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}

export default function Escalations() {
  const { t } = useTranslation();
  const [offset, setOffset] = useState(0);
  const [list, setList] = useState<EscalationList | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    get<EscalationList>(`/v1/escalations${query({ offset, limit: pageSize })}`)
      .then((l) => {
        setList(l);
        setError(null);
      })
      .catch(setError);
  }, [offset]);
  useEffect(() => {
    load();
    const timer = window.setInterval(load, refreshMs);
    return () => window.clearInterval(timer);
  }, [load]);
  const failed = list?.escalations.filter((e) => e.mail_state === 'failed').length ?? 0;
  const last = list ? Math.min(list.total, offset + list.escalations.length) : 0;
  return (
    <Page title={t('mail.escalations_title')}>
      <p className="muted">{t('mail.escalations_intro')}</p>
      <ErrorNote error={error} />
      {failed > 0 && (
        <p className="error esc-failed-note" role="alert">
          {t('mail.failed_note', { count: failed })}
        </p>
      )}
      {list && list.total === 0 && <p className="muted">{t('mail.no_escalations')}</p>}
      {list && list.total > 0 && (
        <>
          <table className="admin-table esc-table">
            <caption className="muted">{t('mail.shown', { first: offset + 1, last, total: list.total })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('mail.col_at')}</th>
                <th scope="col">{t('mail.col_what')}</th>
                <th scope="col">{t('mail.col_item')}</th>
                <th scope="col">{t('mail.col_webhook')}</th>
                <th scope="col">{t('mail.col_mail')}</th>
              </tr>
            </thead>
            <tbody>
              {list.escalations.map((e) => (
                <EscalationRow key={e.id} e={e} />
              ))}
            </tbody>
          </table>
          <nav className="esc-pages" aria-label={t('mail.pages')}>
            <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - pageSize))}>
              {t('mail.newer')}
            </button>{' '}
            <button type="button" disabled={last >= list.total} onClick={() => setOffset(offset + pageSize)}>
              {t('mail.older')}
            </button>
          </nav>
        </>
      )}
    </Page>
  );
}
