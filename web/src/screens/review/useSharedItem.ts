// One dispute or round on screen: loaded, reloaded when the event stream
// says it changed, and acted on (POST …/actions); a refused action leaves
// its error and the item as the node now holds it.
import { useCallback, useEffect, useState } from 'react';
import { get, post } from '../../api/client';
import { useEventListener } from '../../api/events';
import { touches } from './review';

export type Act = (action: string, args: Record<string, unknown>) => Promise<boolean>;

export function useSharedItem<T>(kind: 'dispute' | 'round', id: string) {
  const base = `/v1/${kind}s/${id}`;
  const [item, setItem] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    get<T>(base)
      .then((x) => {
        setItem(x);
        setError(null);
      })
      .catch(setError);
  }, [base]);
  useEffect(load, [load]);
  useEventListener((e) => {
    if (touches(kind, e) && (!e.item || e.item.id === id)) load();
  });

  const act: Act = async (action, args) => {
    setBusy(true);
    setActionError(null);
    try {
      setItem(await post<T>(`${base}/actions`, { action, args }));
      return true;
    } catch (e) {
      setActionError(e);
      load();
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { item, error, actionError, busy, act };
}
