// Which incoming alerts wait for a person's acknowledgement, kept live from
// the event stream; while any waits the alarm sounds (if armed) and the tab
// title says so.
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post } from '../../api/client';
import { useEventListener } from '../../api/events';
import type { Item } from '../../api/types';
import { startAlarm, stopAlarm } from './alarm';

interface AlarmState {
  waiting: Item[]; // incoming alerts not yet acknowledged, newest first
  acknowledge: (id: string) => Promise<void>;
  refresh: () => void;
}

const AlarmContext = createContext<AlarmState>({ waiting: [], acknowledge: async () => undefined, refresh: () => undefined });
export const useAlarm = () => useContext(AlarmContext);

function unacknowledged(a: Item) {
  return a.origin !== 'ours' && (a.state === 'raised' || a.state === 'delivered');
}

export function AlarmProvider({ enabled, children }: { enabled: boolean; children: ReactNode }) {
  const { t } = useTranslation();
  const [waiting, setWaiting] = useState<Item[]>([]);
  const title = useRef(document.title);

  const refresh = useCallback(() => {
    if (!enabled) return;
    get<{ items: Item[] }>('/v1/alerts?direction=incoming&status=open&limit=200')
      .then((a) => setWaiting(a.items.filter(unacknowledged)))
      .catch(() => undefined);
  }, [enabled]);

  useEffect(refresh, [refresh]);
  useEventListener((e) => {
    if (e.kind === 'alert_received' || (e.kind === 'item_changed' && e.item?.kind === 'alert') || e.kind === 'escalation') refresh();
  });

  useEffect(() => {
    if (waiting.length === 0) {
      stopAlarm();
      return;
    }
    startAlarm();
    title.current = document.title;
    let flip = false;
    const id = setInterval(() => {
      flip = !flip;
      document.title = flip ? t('alarm.tab_title', { count: waiting.length }) : title.current;
    }, 1000);
    return () => {
      clearInterval(id);
      document.title = title.current;
    };
  }, [waiting.length, t]);

  useEffect(() => () => stopAlarm(), []);

  const acknowledge = useCallback(
    async (id: string) => {
      await post(`/v1/alerts/${encodeURIComponent(id)}/actions`, { action: 'acknowledge' });
      setWaiting((w) => w.filter((a) => a.id !== id));
      refresh();
    },
    [refresh],
  );

  return <AlarmContext.Provider value={{ waiting, acknowledge, refresh }}>{children}</AlarmContext.Provider>;
}
