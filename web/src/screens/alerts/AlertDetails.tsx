// The alert page's body: who raised it and what happened to it, its text,
// labels, deadlines (the peer's local time beside), files and history.
import { useTranslation } from 'react-i18next';
import type { Deadline } from '../../api/types';
import { DeadlineBadge } from '../../ui/Deadline';
import { Time } from '../../ui/Time';
import { TlpBadge } from '../../ui/Tlp';
import { Translations } from '../../ui/Translations';
import type { Alert } from './alerts';
import { CodeName } from './CodeName';

type T = (k: string, o?: Record<string, unknown>) => string;

export function formatSize(t: T, bytes: number): string {
  if (bytes < 1024) return t('alerts.size_b', { n: bytes });
  if (bytes < 1024 * 1024) return t('alerts.size_kb', { n: (bytes / 1024).toFixed(1) });
  return t('alerts.size_mb', { n: (bytes / (1024 * 1024)).toFixed(1) });
}

function Who({ name, at }: { name: string | null | undefined; at: string | null | undefined }) {
  const { t } = useTranslation();
  if (!at) return <span className="muted">{t('common.none')}</span>;
  return (
    <>
      <Time at={at} />
      {name ? ` · ${name}` : ''}
    </>
  );
}

function Summary({ alert, onChanged }: { alert: Alert; onChanged?: () => void }) {
  const { t } = useTranslation();
  return (
    <section className="panel alert-section" aria-labelledby="alert-summary-title">
      <h2 id="alert-summary-title">{t('alerts.summary')}</h2>
      <dl className="alert-meta">
        <dt>{t('alerts.col_state')}</dt>
        <dd className="alert-state" data-state={alert.state}>
          <CodeName group="state" code={alert.state} />
        </dd>
        <dt>{t('alerts.col_priority')}</dt>
        <dd className={`priority-${alert.priority}`}>
          <CodeName group="priority" code={alert.priority} />
        </dd>
        <dt>{t('alerts.col_peer')}</dt>
        <dd>
          {alert.peer} · {t(alert.origin === 'ours' ? 'alerts.origin_ours' : 'alerts.origin_theirs')}
          {alert.check ? ` · ${t('alerts.check')}` : ''}
        </dd>
        <dt>{t('alerts.raised')}</dt>
        <dd><Who name={alert.raised_by} at={alert.raised_at} /></dd>
        <dt>{t('alerts.delivered')}</dt>
        <dd><Who name={null} at={alert.delivered_at} /></dd>
        <dt>{t('alerts.acknowledged')}</dt>
        <dd className="alert-acknowledged"><Who name={alert.acknowledged_by} at={alert.acknowledged_at} /></dd>
        <dt>{t('alerts.closed')}</dt>
        <dd><Who name={alert.closed_by} at={alert.closed_at} /></dd>
        {alert.close_note ? (
          <>
            <dt>{t('alerts.close_note')}</dt>
            <dd className="alert-details">{alert.close_note}</dd>
          </>
        ) : null}
        {alert.escalation_level > 0 && (
          <>
            <dt>{t('alerts.escalation')}</dt>
            <dd>{t('alerts.escalation_level', { level: alert.escalation_level })}</dd>
          </>
        )}
      </dl>
      <Translations item={alert} field="summary" original={alert.summary} onChanged={onChanged} />
      <h2 className="alert-subhead">{t('alerts.details')}</h2>
      {alert.details ? (
        <Translations item={alert} field="details" original={alert.details} onChanged={onChanged} />
      ) : (
        <p className="muted">{t('alerts.no_details')}</p>
      )}
    </section>
  );
}

function Codes({ group, codes }: { group: string; codes: unknown }) {
  const { t } = useTranslation();
  const list = Array.isArray(codes) ? (codes as string[]) : [];
  if (list.length === 0) return <span className="muted">{t('common.none')}</span>;
  return (
    <>
      {list.map((c, i) => (
        <span key={c}>
          {i > 0 && ', '}
          <CodeName group={group} code={c} />
        </span>
      ))}
    </>
  );
}

function Labels({ alert }: { alert: Alert }) {
  const { t } = useTranslation();
  const l = (alert.labels ?? {}) as Record<string, unknown>;
  const none = <span className="muted">{t('common.none')}</span>;
  return (
    <section className="panel alert-section" aria-labelledby="alert-labels-title">
      <h2 id="alert-labels-title">{t('alerts.labels')}</h2>
      <dl className="alert-meta">
        <dt>{t('alerts.tlp')}</dt>
        <dd><TlpBadge tlp={alert.tlp} /> <CodeName group="tlp" code={alert.tlp} /></dd>
        <dt>{t('alerts.pap')}</dt>
        <dd>{typeof l.pap === 'string' ? <CodeName group="pap" code={l.pap} /> : none}</dd>
        <dt>{t('alerts.reliability')}</dt>
        <dd>{l.reliability != null ? String(l.reliability) : none}</dd>
        <dt>{t('alerts.credibility')}</dt>
        <dd>{l.credibility != null ? String(l.credibility) : none}</dd>
        <dt>{t('alerts.rsit')}</dt>
        <dd><Codes group="rsit" codes={l.rsit} /></dd>
        <dt>{t('alerts.offences')}</dt>
        <dd><Codes group="offence" codes={l.offences} /></dd>
      </dl>
    </section>
  );
}

function DeadlineRow({ d, peerZone }: { d: Deadline; peerZone: string | null }) {
  const { t } = useTranslation();
  return (
    <tr data-deadline={d.name}>
      <td><CodeName group="deadline" code={d.name} /></td>
      <td>
        {d.due_at ? (
          <DeadlineBadge start={d.start} due={d.due_at} met={d.met_at} peerZone={peerZone} countdown={!d.met_at} />
        ) : (
          <CodeName group="deadline_status" code={d.status} />
        )}
      </td>
      <td><Time at={d.met_at} /></td>
      <td>
        {t('alerts.minutes', { count: d.minutes })} · <CodeName group="calendar" code={d.calendar} />
      </td>
      <td><CodeName group="side" code={d.side} /></td>
    </tr>
  );
}

function Deadlines({ alert, peerZone }: { alert: Alert; peerZone: string | null }) {
  const { t } = useTranslation();
  const list = alert.deadlines ?? [];
  return (
    <section className="panel alert-section" aria-labelledby="alert-deadlines-title">
      <h2 id="alert-deadlines-title">{t('alerts.deadlines')}</h2>
      {list.length === 0 ? (
        <p className="muted">{typeof alert.deadline_error === 'string' ? alert.deadline_error : t('alerts.no_deadline')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('alerts.deadline')}</th>
              <th>{t('alerts.due')}</th>
              <th>{t('alerts.met')}</th>
              <th>{t('alerts.rule')}</th>
              <th>{t('alerts.whose')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((d) => (
              <DeadlineRow key={d.name} d={d} peerZone={peerZone} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Files({ alert }: { alert: Alert }) {
  const { t } = useTranslation();
  const files = alert.files ?? [];
  return (
    <section className="panel alert-section" aria-labelledby="alert-files-title">
      <h2 id="alert-files-title">{t('alerts.files')}</h2>
      {files.length === 0 ? (
        <p className="muted">{t('alerts.no_files')}</p>
      ) : (
        <ul className="alert-files">
          {files.map((f) => (
            <li key={f.sha256 + f.name}>
              <a href={`/v1/attachments/${f.sha256}`} download={f.name}>
                {f.name}
              </a>{' '}
              <span className="muted">
                {formatSize(t, f.size)} · <code title={f.sha256}>{f.sha256.slice(0, 12)}</code>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function History({ alert }: { alert: Alert }) {
  const { t } = useTranslation();
  const events = alert.history ?? [];
  if (events.length === 0) return null;
  return (
    <section className="panel alert-section" aria-labelledby="alert-history-title">
      <h2 id="alert-history-title">{t('alerts.history')}</h2>
      <table>
        <thead>
          <tr>
            <th>{t('alerts.at')}</th>
            <th>{t('alerts.whose')}</th>
            <th>{t('alerts.who')}</th>
            <th>{t('alerts.what')}</th>
            <th>{t('alerts.note')}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e, i) => (
            <tr key={i} data-action={e.action}>
              <td><Time at={e.at} /></td>
              <td><CodeName group="side" code={e.side} /></td>
              <td>{e.actor || t('alerts.the_node')}</td>
              <td><CodeName group="action" code={e.action} /></td>
              <td className="alert-details">{e.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function AlertDetails({ alert, peerZone, onChanged }: { alert: Alert; peerZone: string | null; onChanged?: () => void }) {
  return (
    <>
      <Summary alert={alert} onChanged={onChanged} />
      <Deadlines alert={alert} peerZone={peerZone} />
      <Labels alert={alert} />
      <Files alert={alert} />
      <History alert={alert} />
    </>
  );
}
