// Requests: the inbox (from the peers) and the outbox (ours), with their
// filters in the URL (?box=in|out&status=&state=&kind=&priority=&overdue=&peer=&q=),
// paged from the API and virtualized (ui/PagedTable), each row with the
// running deadline by colour and word; refreshed live on the node's events.
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { get, query } from '../../api/client';
import { useEventListener } from '../../api/events';
import { useSession } from '../../api/session';
import type { Item, ItemPage } from '../../api/types';
import { usePeers } from '../../app/TopBar';
import { codeName } from '../../i18n';
import { deadlineTone, DeadlineBadge, useNow } from '../../ui/Deadline';
import { Page } from '../../ui/Page';
import { PagedTable, type Column } from '../../ui/PagedTable';
import { Time } from '../../ui/Time';
import { TlpBadge } from '../../ui/Tlp';
import { currentDeadline, kindOf, priorities, requestKinds, requestStates } from './model';
import './requests.css';

type Box = 'in' | 'out';
const filterNames = ['status', 'state', 'kind', 'priority', 'overdue', 'peer', 'q'] as const;

function useFilters() {
  const [params, setParams] = useSearchParams();
  const box: Box = params.get('box') === 'out' ? 'out' : 'in';
  const value = (k: string) => params.get(k) ?? '';
  const set = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };
  return { box, value, set, params };
}

function Filters({ value, set }: { value: (k: string) => string; set: (c: Record<string, string>) => void }) {
  const { t } = useTranslation();
  const peers = usePeers();
  const id = useId();
  const urlQ = value('q');
  const [q, setQ] = useState(urlQ);
  useEffect(() => setQ(urlQ), [urlQ]);
  const search = (e: FormEvent) => {
    e.preventDefault();
    set({ q: q.trim() });
  };
  const select = (name: string, options: readonly string[], label: (o: string) => string) => (
    <label htmlFor={`${id}-${name}`}>
      {t(`requests.filter_${name}`)}
      <select id={`${id}-${name}`} value={value(name)} onChange={(e) => set({ [name]: e.target.value })}>
        <option value="">{t('requests.any')}</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {label(o)}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <form className="filters rq-filters" onSubmit={search} role="search" aria-label={t('requests.filters')}>
      <label htmlFor={`${id}-status`}>
        {t('requests.filter_status')}
        <select id={`${id}-status`} value={value('status') || 'open'} onChange={(e) => set({ status: e.target.value === 'open' ? '' : e.target.value })}>
          <option value="open">{t('requests.status_open')}</option>
          <option value="closed">{t('requests.status_closed')}</option>
          <option value="all">{t('requests.status_all')}</option>
        </select>
      </label>
      {select('state', requestStates, (s) => codeName(t, 'state', s))}
      {select('kind', requestKinds, (k) => codeName(t, 'request_kind', k))}
      {select('priority', priorities, (p) => codeName(t, 'priority', p))}
      {select('peer', peers.map((p) => p.name), (p) => p)}
      <label className="rq-check" htmlFor={`${id}-overdue`}>
        <input
          id={`${id}-overdue`}
          type="checkbox"
          checked={value('overdue') === 'true'}
          onChange={(e) => set({ overdue: e.target.checked ? 'true' : '' })}
        />{' '}
        {t('requests.filter_overdue')}
      </label>
      <label htmlFor={`${id}-q`}>
        {t('requests.filter_q')}
        <input id={`${id}-q`} type="search" value={q} onChange={(e) => setQ(e.target.value)} />
      </label>
      <button type="submit">{t('requests.search')}</button>
      {filterNames.some((n) => value(n)) && (
        <button
          type="button"
          className="link-button"
          onClick={() => set(Object.fromEntries(filterNames.map((n) => [n, ''])))}
        >
          {t('requests.clear_filters')}
        </button>
      )}
    </form>
  );
}

function useColumns(peerZone: (peer: string) => string | null | undefined): Column<Item>[] {
  const { t } = useTranslation();
  return [
    {
      key: 'title',
      header: t('requests.col_subject'),
      width: 'minmax(14rem, 3fr)',
      cell: (r) => (
        <Link to={`/requests/${encodeURIComponent(r.id)}`} onClick={(e) => e.stopPropagation()}>
          {r.title}
        </Link>
      ),
    },
    { key: 'kind', header: t('requests.col_kind'), width: '9rem', cell: (r) => codeName(t, 'request_kind', kindOf(r)) },
    {
      key: 'priority',
      header: t('requests.col_priority'),
      width: '6rem',
      cell: (r) => <span className={`rq-priority rq-priority-${r.priority}`}>{codeName(t, 'priority', r.priority ?? '')}</span>,
    },
    { key: 'state', header: t('requests.col_state'), width: '10rem', cell: (r) => codeName(t, 'state', r.state) },
    { key: 'peer', header: t('requests.col_peer'), width: '6rem', cell: (r) => r.peer },
    { key: 'tlp', header: t('requests.col_tlp'), width: '9rem', cell: (r) => <TlpBadge tlp={r.tlp} /> },
    {
      key: 'deadline',
      header: t('requests.col_deadline'),
      width: 'minmax(14rem, 1.5fr)',
      cell: (r) => {
        const d = currentDeadline(r);
        if (!d) return <span className="muted">{t('common.none')}</span>;
        if (!d.due_at)
          return (
            <span className="muted">
              {codeName(t, 'deadline', d.name)} · {codeName(t, 'deadline_status', d.status)}
            </span>
          );
        return (
          <span title={codeName(t, 'deadline', d.name)}>
            <DeadlineBadge start={d.start} due={d.due_at} met={d.met_at} peerZone={peerZone(r.peer)} />
          </span>
        );
      },
    },
    { key: 'updated', header: t('requests.col_updated'), width: '11rem', cell: (r) => <Time at={r.updated_at} /> },
  ];
}

function rowTone(r: Item): string {
  const d = currentDeadline(r);
  if (!d || !d.due_at) return '';
  return `rq-row-${deadlineTone(d.start, d.due_at, d.met_at, Date.now())}`;
}

export default function RequestList() {
  const { t } = useTranslation();
  const { can } = useSession();
  const navigate = useNavigate();
  const { box, value, set, params } = useFilters();
  const peers = usePeers();
  const [total, setTotal] = useState<number | null>(null);
  const [tick, setTick] = useState(0);
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  // The API's query for this box and these filters (the URL's own names).
  const apiQuery = (offset: number, limit: number) =>
    query({
      direction: box === 'in' ? 'incoming' : 'outgoing',
      // A chosen state decides by itself whether the request is open.
      status: value('state') ? 'all' : value('status') || 'open',
      state: value('state'),
      kind: value('kind'),
      priority: value('priority'),
      overdue: value('overdue') === 'true' ? 'true' : '',
      peer: value('peer'),
      q: value('q'),
      offset,
      limit,
    });
  const key = `${box}?${params.toString()}#${tick}`;
  const fetchPage = useCallback(
    async (offset: number, limit: number) => {
      const page = await get<ItemPage>(`/v1/requests${apiQuery(offset, limit)}`);
      const n = page.total ?? page.items.length;
      setTotal(n);
      return { rows: page.items, total: n };
    },
    [key],
  );

  // Live: a new request or a change of one reloads the list (at most every
  // 300 ms while events stream in).
  useEventListener((e) => {
    if (e.kind === 'request_received' || (e.item?.kind === 'request' && (e.kind === 'item_changed' || e.kind === 'escalation'))) {
      clearTimeout(pending.current);
      pending.current = setTimeout(() => setTick((n) => n + 1), 300);
    }
  });
  useEffect(() => () => clearTimeout(pending.current), []);

  // Rows change colour as their deadlines come near and pass.
  useNow(30000);
  const zoneOf = (peer: string) => peers.find((p) => p.name === peer)?.time_zone;
  const columns = useColumns(zoneOf);

  return (
    <Page
      title={t('requests.title')}
      actions={
        can('act_requests') && (
          <Link className="rq-button primary" to="/requests/new">
            {t('requests.new')}
          </Link>
        )
      }
    >
      <nav className="rq-tabs" aria-label={t('requests.boxes')}>
        {(['in', 'out'] as const).map((b) => {
          const next = new URLSearchParams(params);
          next.set('box', b);
          return (
            <Link key={b} to={`/requests?${next.toString()}`} aria-current={box === b ? 'page' : undefined} className={box === b ? 'rq-tab rq-tab-active' : 'rq-tab'}>
              {t(`requests.box_${b}`)}
            </Link>
          );
        })}
      </nav>
      <Filters value={value} set={set} />
      <p className="rq-total" role="status" data-total={total ?? ''}>
        {total === null ? t('common.loading') : t('requests.total', { count: total })}
      </p>
      <PagedTable<Item>
        label={t(`requests.box_${box}`)}
        columns={columns}
        fetchPage={fetchPage}
        reloadKey={key}
        rowKey={(r) => r.id}
        rowClass={rowTone}
        onOpen={(r) => navigate(`/requests/${encodeURIComponent(r.id)}`)}
      />
    </Page>
  );
}
