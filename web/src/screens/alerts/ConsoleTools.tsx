// The console's filters: direction, status, priority, only overdue, and
// words of the summary; all in the URL.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { codeName } from '../../i18n';
import type { Direction, Filters, Status } from './alerts';

const directions: Direction[] = ['incoming', 'outgoing'];
const statuses: Status[] = ['open', 'closed', 'all'];

// The filters are in the URL (?direction=outgoing&status=all&priority=urgent&q=…&overdue=true).
export function useFilters(): [Filters, (f: Filters) => void] {
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

// The search waits for a pause in typing.
function useDebounced(value: string, ms = 300) {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

export function ConsoleTools({ filters, set }: { filters: Filters; set: (f: Filters) => void }) {
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

