// /cases: every case shared with a peer, newest first, paged from the API,
// with filters kept in the URL (status, state, direction, peer, search);
// refreshed live when a case arrives or changes.
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { get, query } from '../../api/client';
import { useEventListener } from '../../api/events';
import { useSession } from '../../api/session';
import { usePeers } from '../../app/TopBar';
import { codeName } from '../../i18n';
import { Page } from '../../ui/Page';
import { PagedTable, type Column } from '../../ui/PagedTable';
import { Time } from '../../ui/Time';
import { TlpBadge } from '../../ui/Tlp';
import type { CaseDoc } from './types';
import './cases.css';

interface CasePage {
  items: CaseDoc[];
  total?: number;
}

const filterNames = ['status', 'state', 'direction', 'peer', 'q'] as const;

export default function CaseList() {
  const { t } = useTranslation();
  const { can } = useSession();
  const navigate = useNavigate();
  const peers = usePeers();
  const [params, setParams] = useSearchParams();
  const [live, setLive] = useState(0);
  const filters = Object.fromEntries(filterNames.map((n) => [n, params.get(n) ?? ''])) as Record<(typeof filterNames)[number], string>;
  const status = filters.status || 'all';

  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };

  const key = JSON.stringify(filters);
  const fetchPage = useCallback(
    async (offset: number, limit: number) => {
      const f = JSON.parse(key) as typeof filters;
      const answer = await get<CasePage>(
        `/v1/cases${query({ offset, limit, status: f.status || 'all', state: f.state, direction: f.direction, peer: f.peer, q: f.q })}`,
      );
      // An older node answers without `total` (and without paging): all at once.
      const total = answer.total ?? (offset === 0 ? answer.items.length : offset);
      return { rows: answer.total === undefined && offset > 0 ? [] : answer.items, total };
    },
    [key],
  );

  useEventListener((e) => {
    if (e.kind === 'case_received' || (e.item?.kind === 'case' && e.kind === 'item_changed')) setLive((n) => n + 1);
  });

  const columns: Column<CaseDoc>[] = [
    { key: 'tlp', header: t('cases.col_tlp'), width: '10rem', cell: (c) => <TlpBadge tlp={c.tlp} /> },
    {
      key: 'title',
      header: t('cases.col_title'),
      width: 'minmax(12rem, 1fr)',
      cell: (c) => <Link to={`/cases/${c.id}`}>{c.title}</Link>,
    },
    { key: 'peer', header: t('cases.col_peer'), width: '8rem', cell: (c) => c.peer },
    {
      key: 'origin',
      header: t('cases.col_opened_by'),
      width: '8rem',
      cell: (c) => (c.origin === 'theirs' ? t('cases.opened_by_peer', { peer: c.peer }) : t('cases.opened_by_us')),
    },
    {
      key: 'state',
      header: t('cases.col_state'),
      width: '8rem',
      cell: (c) => <span className={`case-state case-state-${c.state}`}>{codeName(t, 'state', c.state)}</span>,
    },
    { key: 'updated', header: t('cases.col_updated'), width: '12rem', cell: (c) => <Time at={c.updated_at} /> },
  ];

  return (
    <Page
      title={t('cases.title')}
      actions={
        can('act_cases') && (
          <Link className="case-button-link primary" to="/cases/new">
            {t('cases.new')}
          </Link>
        )
      }
    >
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('cases.filter_status')}
          <select value={status} onChange={(e) => setFilter('status', e.target.value === 'all' ? '' : e.target.value)}>
            <option value="all">{t('cases.status_all')}</option>
            <option value="open">{t('cases.status_open')}</option>
            <option value="closed">{t('cases.status_closed')}</option>
          </select>
        </label>
        <label>
          {t('cases.filter_state')}
          <select value={filters.state} onChange={(e) => setFilter('state', e.target.value)}>
            <option value="">{t('cases.any')}</option>
            {['open', 'reopened', 'closed'].map((s) => (
              <option key={s} value={s}>
                {codeName(t, 'state', s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('cases.filter_direction')}
          <select value={filters.direction} onChange={(e) => setFilter('direction', e.target.value)}>
            <option value="">{t('cases.any')}</option>
            <option value="outgoing">{t('cases.direction_outgoing')}</option>
            <option value="incoming">{t('cases.direction_incoming')}</option>
          </select>
        </label>
        <label>
          {t('cases.filter_peer')}
          <select value={filters.peer} onChange={(e) => setFilter('peer', e.target.value)}>
            <option value="">{t('cases.any')}</option>
            {peers.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('cases.filter_search')}
          <input type="search" value={filters.q} onChange={(e) => setFilter('q', e.target.value)} />
        </label>
      </form>
      <PagedTable
        label={t('cases.title')}
        columns={columns}
        fetchPage={fetchPage}
        reloadKey={`${key}|${live}`}
        rowKey={(c) => c.id}
        rowClass={(c) => `case-row-${c.state}`}
        onOpen={(c) => navigate(`/cases/${c.id}`)}
      />
    </Page>
  );
}
