// The alert console (/alerts): incoming or outgoing alerts, newest first,
// paged from the API and virtualized. An alert from the peer shows within a
// second of its arrival (the alert_received event refreshes the list) and
// stays highlighted until someone acknowledges it. The choice of direction
// and status is in the URL (?direction=outgoing&status=all).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useEventListener } from '../../api/events';
import { useSession } from '../../api/session';
import { usePeerZones } from './peers';
import { DeadlineBadge } from '../../ui/Deadline';
import { ErrorNote, Page } from '../../ui/Page';
import { PagedTable, type Column } from '../../ui/PagedTable';
import { TlpBadge } from '../../ui/Tlp';
import { useAlarm } from './AlarmProvider';
import { ackDeadline, allowedActions, fetchAlerts, fetchArrived, waitsForAcknowledgement, zoneOf, type Alert, type AlertPage, type Direction, type Filters, type Status } from './alerts';
import { CloseDialog } from './CloseDialog';
import { CodeName } from './CodeName';
import { codeName } from '../../i18n';
import { useRefreshOnReconnect } from './reconnect';
import './alerts.css';

const directions: Direction[] = ['incoming', 'outgoing'];
const statuses: Status[] = ['open', 'closed', 'all'];
const pageSize = 100; // as ui/PagedTable asks

// The filters are in the URL (?direction=outgoing&status=all&priority=urgent&q=…&overdue=true).
function useFilters(): [Filters, (f: Filters) => void] {
  const [params, setParams] = useSearchParams();
  const s = params.get('status');
  const p = params.get('priority');
  const filters: Filters = {
    direction: params.get('direction') === 'outgoing' ? 'outgoing' : 'incoming',
    status: s === 'closed' || s === 'all' ? s : 'open',
    priority: p === 'urgent' || p === 'normal' ? p : '',
    q: params.get('q') ?? '',
    overdue: params.get('overdue') === 'true',
  };
  const set = (f: Filters) => {
    const next = new URLSearchParams();
    if (f.direction !== 'incoming') next.set('direction', f.direction);
    if (f.status !== 'open') next.set('status', f.status);
    if (f.priority) next.set('priority', f.priority);
    if (f.q) next.set('q', f.q);
    if (f.overdue) next.set('overdue', 'true');
    setParams(next, { replace: true });
  };
  return [filters, set];
}

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

function useColumns(onClose: (a: Alert) => void, onError: (e: unknown) => void, onDone: () => void): Column<Alert>[] {
  const { t } = useTranslation();
  const peers = usePeerZones();
  return useMemo(
    () => [
      { key: 'priority', header: t('alerts.col_priority'), width: '6.5rem', cell: (a) => <span className={`priority-${a.priority}`}><CodeName group="priority" code={a.priority} /></span> },
      { key: 'peer', header: t('alerts.col_peer'), width: '7rem', cell: (a) => a.peer },
      { key: 'tlp', header: t('alerts.col_tlp'), width: '9.5rem', cell: (a) => <TlpBadge tlp={a.tlp} /> },
      {
        key: 'title',
        header: t('alerts.col_title'),
        width: 'minmax(12rem, 1fr)',
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
        width: 'minmax(22rem, 1.6fr)',
        cell: (a) => {
          const d = ackDeadline(a);
          if (!d?.due_at) return <span className="muted">{d ? <CodeName group="deadline_status" code={d.status} /> : t('alerts.no_deadline')}</span>;
          return <DeadlineBadge start={d.start} due={d.due_at} met={d.met_at} peerZone={zoneOf(peers, a.peer)} countdown />;
        },
      },
      { key: 'actions', header: t('alerts.col_actions'), width: '11rem', cell: (a) => <RowActions alert={a} onClose={onClose} onError={onError} onDone={onDone} /> },
    ],
    [t, peers, onClose, onError, onDone],
  );
}

// The list's first page, kept here so that live changes show without the
// table emptying: a new alert is read alone and put on top at once, any other
// change reads the first page in the background; the table then takes the
// first page from here, at once, and only later pages from the API.
function useLiveHead(filters: Filters, q: string) {
  const [generation, setGeneration] = useState(0);
  const head = useRef<{ key: string; page: AlertPage } | null>(null);
  const { direction, status, priority, overdue } = filters;
  const key = JSON.stringify([direction, status, priority, overdue, q]);
  const show = useCallback(() => setGeneration((g) => g + 1), []);
  const current = useMemo<Filters>(() => ({ direction, status, priority, overdue, q }), [direction, status, priority, overdue, q]);

  const fetchPage = useCallback(
    async (offset: number, limit: number): Promise<AlertPage> => {
      if (offset === 0 && head.current?.key === key) return head.current.page;
      const page = await fetchAlerts(current, offset, limit);
      if (offset === 0) head.current = { key, page };
      return page;
    },
    [current, key],
  );

  const asked = useRef(0);
  const refresh = useCallback(() => {
    const mine = ++asked.current;
    fetchAlerts(current, 0, pageSize)
      .then((page) => {
        if (mine !== asked.current) return;
        head.current = { key, page };
        show();
      })
      .catch(() => undefined);
  }, [current, key, show]);

  // After a burst of new alerts, the first page is read once.
  const later = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const refreshSoon = useCallback(() => {
    clearTimeout(later.current);
    later.current = setTimeout(refresh, 400);
  }, [refresh]);
  useEffect(() => () => clearTimeout(later.current), []);

  const arrived = useCallback(
    (id: string) => {
      fetchArrived(id)
        .then((a) => {
          const h = head.current;
          if (h?.key === key && belongs(a, current) && !h.page.rows.some((r) => r.id === a.id)) {
            head.current = { key, page: { rows: [a, ...h.page.rows].slice(0, pageSize), total: h.page.total + 1 } };
            show();
          }
          refreshSoon();
        })
        .catch(refreshSoon);
    },
    [current, key, show, refreshSoon],
  );
  return { fetchPage, generation, refresh, arrived };
}

// Whether a new alert belongs on top of the list as filtered (the node
// decides in the end: the first page is read again right after).
function belongs(a: Alert, f: Filters) {
  if ((f.direction === 'incoming') !== (a.origin === 'theirs')) return false;
  if (f.priority && a.priority !== f.priority) return false;
  if (f.overdue) return false;
  if (f.q && !a.title.toLowerCase().includes(f.q.trim().toLowerCase())) return false;
  if (f.status === 'open') return a.state !== 'closed';
  if (f.status === 'closed') return a.state === 'closed';
  return true;
}

// The search waits for a pause in typing.
function useDebounced(value: string, ms = 300) {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

function Tools({ filters, set }: { filters: Filters; set: (f: Filters) => void }) {
  const { t } = useTranslation();
  const [q, setQ] = useState(filters.q);
  const debounced = useDebounced(q);
  const latest = useRef({ filters, set });
  latest.current = { filters, set };
  useEffect(() => {
    if (debounced !== latest.current.filters.q) latest.current.set({ ...latest.current.filters, q: debounced });
  }, [debounced]);
  return (
    <div className="alert-tools">
      <div className="alert-switch" role="group" aria-label={t('alerts.direction')}>
        {directions.map((d) => (
          <button key={d} type="button" aria-pressed={filters.direction === d} onClick={() => set({ ...filters, direction: d })}>
            {t(`alerts.direction_${d}`)}
          </button>
        ))}
      </div>
      <label>
        {t('alerts.status')}
        <select value={filters.status} onChange={(e) => set({ ...filters, status: e.target.value as Status })}>
          {statuses.map((s) => (
            <option key={s} value={s}>
              {t(`alerts.status_${s}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('alerts.col_priority')}
        <select value={filters.priority} onChange={(e) => set({ ...filters, priority: e.target.value as Filters['priority'] })}>
          <option value="">{t('alerts.any_priority')}</option>
          {['urgent', 'normal'].map((p) => (
            <option key={p} value={p}>
              {codeName(t, 'priority', p)}
            </option>
          ))}
        </select>
      </label>
      <label className="alert-overdue">
        <input type="checkbox" checked={filters.overdue} onChange={(e) => set({ ...filters, overdue: e.target.checked })} />
        {t('alerts.only_overdue')}
      </label>
      <label>
        {t('alerts.search')}
        <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
      </label>
    </div>
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
  const { fetchPage, generation, refresh: reload, arrived } = useLiveHead(filters, filters.q);

  useEventListener((e) => {
    if (e.kind === 'alert_received' && e.item?.id) arrived(e.item.id);
    else if (e.item?.kind === 'alert' && (e.kind === 'item_changed' || e.kind === 'escalation' || e.kind === 'item_action_void')) reload();
  });

  const columns = useColumns(setClosing, setError, reload);
  useRefreshOnReconnect(reload);

  return (
    <Page
      title={t('alerts.title')}
      actions={
        can('act_alerts') && (
          <Link className="alert-raise" to="/alerts/new">
            {t('alerts.raise')}
          </Link>
        )
      }
    >
      <Tools filters={filters} set={set} />
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
