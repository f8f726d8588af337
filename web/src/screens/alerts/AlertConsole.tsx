// The alert console (/alerts): incoming or outgoing alerts, newest first,
// paged from the API and virtualized. An alert from the peer shows within a
// second of its arrival (the alert_received event puts it on top:
// liveHead.ts) and stays highlighted until someone acknowledges it. The
// filters are in the URL (ConsoleTools.tsx).
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useEventListener } from '../../api/events';
import { useSession } from '../../api/session';
import { usePeerZones, type PeerZone } from './peers';
import { DeadlineBadge } from '../../ui/Deadline';
import { ErrorNote, Page } from '../../ui/Page';
import { PagedTable, type Column } from '../../ui/PagedTable';
import { TlpBadge } from '../../ui/Tlp';
import { useAlarm } from './AlarmProvider';
import { ackDeadline, allowedActions, waitsForAcknowledgement, zoneOf, type Alert } from './alerts';
import { ConsoleTools, useFilters } from './ConsoleTools';
import { useLiveHead } from './liveHead';
import { CheckButton } from './CheckButton';
import { CloseDialog } from './CloseDialog';
import { CodeName } from './CodeName';
import { useRefreshOnReconnect } from './reconnect';
import './alerts.css';

function RowActions({ alert, onClose, onError, onDone }: { alert: Alert; onClose: (a: Alert) => void; onError: (e: unknown) => void; onDone: () => void }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const { acknowledge } = useAlarm();
  const [busy, setBusy] = useState(false);
  const actions = allowedActions(alert, can);
  if (actions.length === 0) return null;
  const ack = () => {
    setBusy(true);
    onError(null);
    acknowledge(alert.id)
      .then(onDone, onError)
      .finally(() => setBusy(false));
  };
  return (
    <span className="alert-row-actions" onClick={(e) => e.stopPropagation()}>
      {actions.includes('acknowledge') && (
        <button type="button" className="row-ack" onClick={ack} disabled={busy}>
          {t('alerts.acknowledge')}
        </button>
      )}
      {actions.includes('close') && (
        <button type="button" className="row-close" onClick={() => onClose(alert)}>
          {t('alerts.close')}
        </button>
      )}
    </span>
  );
}

function useColumns(peers: PeerZone[], onClose: (a: Alert) => void, onError: (e: unknown) => void, onDone: () => void): Column<Alert>[] {
  const { t } = useTranslation();
  return useMemo(
    () => [
      { key: 'priority', header: t('alerts.col_priority'), width: '6.5rem', cell: (a) => <span className={`priority-${a.priority}`}><CodeName group="priority" code={a.priority} /></span> },
      { key: 'peer', header: t('alerts.col_peer'), width: '7rem', cell: (a) => a.peer },
      { key: 'tlp', header: t('alerts.col_tlp'), width: '9.5rem', cell: (a) => <TlpBadge tlp={a.tlp} /> },
      {
        key: 'title',
        header: t('alerts.col_title'),
        width: 'minmax(14rem, 2fr)',
        cell: (a) => (
          <>
            {a.check && <span className="badge">{t('alerts.check')}</span>}{' '}
            <Link to={`/alerts/${a.id}`} data-alert-id={a.id} onClick={(e) => e.stopPropagation()}>
              {a.title}
            </Link>
          </>
        ),
      },
      {
        key: 'state',
        header: t('alerts.col_state'),
        width: '9rem',
        cell: (a) => (
          <>
            <span className="state-word">
              <CodeName group="state" code={a.state} />
            </span>
            {a.escalation_level > 0 && a.state !== 'closed' && <span className="escalated"> {t('alerts.escalated', { level: a.escalation_level })}</span>}
          </>
        ),
      },
      {
        key: 'deadline',
        header: t('alerts.col_ack_deadline'),
        width: 'minmax(20rem, 1.3fr)',
        cell: (a) => {
          const d = ackDeadline(a);
          if (!d?.due_at) return <span className="muted">{d ? <CodeName group="deadline_status" code={d.status} /> : t('alerts.no_deadline')}</span>;
          return (
            <div className="alert-deadline-cell">
              <DeadlineBadge start={d.start} due={d.due_at} met={d.met_at} peerZone={zoneOf(peers, a.peer)} countdown />
            </div>
          );
        },
      },
      { key: 'actions', header: t('alerts.col_actions'), width: '11rem', cell: (a) => <RowActions alert={a} onClose={onClose} onError={onError} onDone={onDone} /> },
    ],
    [t, peers, onClose, onError, onDone],
  );
}

export default function AlertConsole() {
  const { t } = useTranslation();
  const { can } = useSession();
  const navigate = useNavigate();
  const [filters, set] = useFilters();
  const { direction } = filters;
  const [error, setError] = useState<unknown>(null);
  const [closing, setClosing] = useState<Alert | null>(null);
  const { fetchPage, generation, refresh: reload, arrived } = useLiveHead(filters);

  useEventListener((e) => {
    if (e.kind === 'alert_received' && e.item?.id) arrived(e.item.id);
    else if (e.item?.kind === 'alert' && (e.kind === 'item_changed' || e.kind === 'escalation' || e.kind === 'item_action_void')) reload();
  });

  const peers = usePeerZones();
  const columns = useColumns(peers, setClosing, setError, reload);
  useRefreshOnReconnect(reload);

  return (
    <Page
      title={t('alerts.title')}
      actions={
        can('act_alerts') && (
          <>
            <CheckButton
              peers={peers.map((p) => p.name)}
              onSent={() => {
                if (filters.direction === 'outgoing') reload();
                else set({ ...filters, direction: 'outgoing' });
              }}
            />
            <Link className="alert-raise" to="/alerts/new">
              {t('alerts.raise')}
            </Link>
          </>
        )
      }
    >
      <ConsoleTools filters={filters} set={set} />
      <ErrorNote error={error} />
      <PagedTable<Alert>
        label={t(`alerts.table_${direction}`)}
        columns={columns}
        fetchPage={fetchPage}
        reloadKey={generation}
        rowKey={(a) => a.id}
        rowClass={(a) => (waitsForAcknowledgement(a) ? 'alert-waiting' : a.state === 'closed' ? 'alert-closed' : '')}
        onOpen={(a) => navigate(`/alerts/${a.id}`)}
      />
      {closing && (
        <CloseDialog
          alert={closing}
          onCancel={() => setClosing(null)}
          onDone={() => {
            setClosing(null);
            reload();
          }}
        />
      )}
    </Page>
  );
}
