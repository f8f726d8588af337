// The peers' office time zones (GET /v1/peers time_zone), for the peer's
// local time beside deadlines. Read once and then every minute: zones change
// only with the agreement, and this keeps the page's requests few when
// alerts arrive in a burst.
import { useEffect, useState } from 'react';
import { get } from '../../api/client';
import type { Peer } from '../../api/types';

export function usePeerZones(): Array<Pick<Peer, 'name' | 'time_zone'>> {
  const [peers, setPeers] = useState<Peer[]>([]);
  useEffect(() => {
    const load = () =>
      get<{ peers: Peer[] }>('/v1/peers')
        .then((a) => setPeers(a.peers))
        .catch(() => undefined);
    load();
    const id = setInterval(load, 60000);
    return () => clearInterval(id);
  }, []);
  return peers;
}
