// The node's peers (GET /v1/peers), kept current: read every 5 s and again
// when a link goes up or down or something arrives from a peer. Used by the
// top bar (link state) and by the screens (choosing a peer, the peer's time
// zone beside deadlines).
import { useCallback, useEffect, useState } from 'react';
import { get } from './client';
import { useEventListener } from './events';
import type { Peer } from './types';

export function usePeers(): Peer[] {
  const [peers, setPeers] = useState<Peer[]>([]);
  const refresh = useCallback(() => {
    get<{ peers: Peer[] }>('/v1/peers')
      .then((a) => setPeers(a.peers))
      .catch(() => undefined);
  }, []);
  useEffect(() => {
    refresh();
    const id = setInterval(refresh, 5000);
    return () => clearInterval(id);
  }, [refresh]);
  useEventListener((e) => {
    if (e.kind === 'link_up' || e.kind === 'link_down' || e.kind.endsWith('_received')) refresh();
  });
  return peers;
}
