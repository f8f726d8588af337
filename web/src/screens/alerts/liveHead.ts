// The console's first page, kept by the console so that live changes show
// at once and the table never empties (see useLiveHead).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { fetchAlerts, fetchArrived, type Alert, type AlertPage, type Filters } from './alerts';

const pageSize = 100; // as ui/PagedTable asks

// The list's first page, kept here so that live changes show without the
// table emptying: a new alert is read alone and put on top at once, any other
// change reads the first page in the background; the table then takes the
// first page from here, at once, and only later pages from the API.
export function useLiveHead(filters: Filters) {
  const [generation, setGeneration] = useState(0);
  const head = useRef<{ key: string; page: AlertPage } | null>(null);
  const { direction, status, priority, overdue, q } = filters;
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
  // For each alert put on top by its arrival: the last first-page read asked for then.
  const since = useRef(new Map<string, number>());
  const refresh = useCallback(() => {
    const mine = ++asked.current;
    fetchAlerts(current, 0, pageSize)
      .then((page) => {
        if (mine !== asked.current) return;
        // An alert put on top while this page was being read stays there.
        const kept = (head.current?.key === key ? head.current.page.rows : []).filter(
          (r) => (since.current.get(r.id) ?? 0) >= mine && !page.rows.some((p) => p.id === r.id),
        );
        head.current = { key, page: kept.length ? { rows: [...kept, ...page.rows].slice(0, pageSize), total: page.total + kept.length } : page };
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
            since.current.set(a.id, asked.current);
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

