// Which incoming alerts wait for a person's acknowledgement, kept live from
// the event stream; while any waits the alarm sounds (if armed, and only for
// people who may acknowledge: act_alerts) and the tab title flashes.
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post } from '../../api/client';
import { useEventListener } from '../../api/events';
import { useSession } from '../../api/session';
import type { Item } from '../../api/types';
import { armOnFirstGesture, startAlarm, stopAlarm } from './alarm';
import { alertPath, fetchArrived, markArrival, waitsForAcknowledgement } from './alerts';
import { useRefreshOnReconnect } from './reconnect';

interface AlarmState {
  waiting: Item[]; // incoming alerts not yet acknowledged, newest first
  acknowledge: (id: string) => Promise<void>;
  refresh: () => void;
}

const AlarmContext = createContext<AlarmState>({ waiting: [], acknowledge: async () => undefined, refresh: () => undefined });
export const useAlarm = () => useContext(AlarmContext);

// Urgent before normal, then the newest first: the banner shows the first.
function newestFirst(a: Item, b: Item) {
  const urgency = Number(b.priority === 'urgent') - Number(a.priority === 'urgent');
  if (urgency !== 0) return urgency;
  return a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0;
}

// Flashes the tab's title while alerts wait; the screen's own title (set by
// Page) comes back when none waits.
function useFlashingTitle(count: number) {
  const { t } = useTranslation();
  useEffect(() => {
    if (count === 0) return;
    const alarmTitle = t('alarm.tab_title', { count });
    let base = document.title;
    let flip = false;
    const tick = () => {
      if (document.title !== alarmTitle) base = document.title;
      flip = !flip;
      document.title = flip ? alarmTitle : base;
    };
    tick();
    const id = setInterval(tick, 1000);
    return () => {
      clearInterval(id);
      if (document.title === alarmTitle) document.title = base;
    };
  }, [count, t]);
}

export function AlarmProvider({ enabled, children }: { enabled: boolean; children: ReactNode }) {
  const { can } = useSession();
  const [waiting, setWaiting] = useState<Item[]>([]);
  const reads = enabled && can('read_items');
  const rings = reads && can('act_alerts');
  const asked = useRef(0);
  // For each alert put in by its arrival: the last list read asked for then.
  const since = useRef(new Map<string, number>());

  const refresh = useCallback(() => {
    if (!reads) {
      setWaiting([]);
      return;
    }
    const mine = ++asked.current;
    get<{ items: Item[] }>('/v1/alerts?direction=incoming&status=open&limit=200')
      .then((a) => {
        if (mine !== asked.current) return;
        const listed = a.items.filter(waitsForAcknowledgement);
        // An alert that arrived while this list was being read stays.
        setWaiting((w) => [...listed, ...w.filter((x) => (since.current.get(x.id) ?? 0) >= mine && !listed.some((l) => l.id === x.id))].sort(newestFirst));
      })
      .catch(() => undefined);
  }, [reads]);

  useEffect(refresh, [refresh]);
  useRefreshOnReconnect(refresh);
  useEffect(() => {
    if (rings) armOnFirstGesture();
  }, [rings]);
  // A new alert: only it is read (the banner shows sooner than after
  // reading the whole list); any other change of an alert reads the list.
  const arrived = useCallback(
    (id: string) => {
      fetchArrived(id)
        .then((a) => {
          if (!waitsForAcknowledgement(a)) return;
          since.current.set(a.id, asked.current);
          setWaiting((w) => [a, ...w.filter((x) => x.id !== a.id)].sort(newestFirst));
        })
        .catch(refresh);
    },
    [refresh],
  );
  useEventListener((e) => {
    if (!reads) return;
    if (e.kind === 'alert_received' && e.item?.id) {
      markArrival(e.item.id);
      arrived(e.item.id);
    } else if ((e.kind === 'item_changed' && e.item?.kind === 'alert') || e.kind === 'escalation') refresh();
  });

  useEffect(() => {
    if (waiting.length === 0 || !rings) stopAlarm();
    else startAlarm();
  }, [waiting.length, rings]);
  useEffect(() => () => stopAlarm(), []);
  useFlashingTitle(rings ? waiting.length : 0);

  const acknowledge = useCallback(
    async (id: string) => {
      await post(`${alertPath(id)}/actions`, { action: 'acknowledge' });
      setWaiting((w) => w.filter((a) => a.id !== id));
      refresh();
    },
    [refresh],
  );

  return <AlarmContext.Provider value={{ waiting, acknowledge, refresh }}>{children}</AlarmContext.Provider>;
}
