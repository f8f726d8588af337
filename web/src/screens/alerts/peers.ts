// The peers' office time zones, for the peer's local time beside deadlines:
// GET /v1/peers `time_zone` where the node gives it, else the peer's party
// in the agreement in force (GET /v1/peers/{name}/agreement). Read once and
// then every minute: zones change only with the agreement, and this keeps
// the page's requests few when alerts arrive in a burst.
import { useEffect, useState } from 'react';
import { get } from '../../api/client';
import type { Peer } from '../../api/types';

export type PeerZone = Pick<Peer, 'name' | 'time_zone'>;
type Zone = PeerZone;

interface Party {
  name?: string;
  time_zone?: string;
}
interface AgreementAnswer {
  current?: { document?: { a?: Party; b?: Party } } | null;
}

async function zoneFromAgreement(peer: string): Promise<string | null> {
  try {
    const a = await get<AgreementAnswer>(`/v1/peers/${encodeURIComponent(peer)}/agreement`);
    const doc = a.current?.document;
    const party = [doc?.a, doc?.b].find((p) => p?.name === peer);
    return party?.time_zone ?? null;
  } catch {
    return null;
  }
}

async function loadZones(): Promise<Zone[]> {
  const { peers } = await get<{ peers: Peer[] }>('/v1/peers');
  return Promise.all(peers.map(async (p) => ({ name: p.name, time_zone: p.time_zone ?? (await zoneFromAgreement(p.name)) })));
}

export function usePeerZones(): Zone[] {
  const [zones, setZones] = useState<Zone[]>([]);
  useEffect(() => {
    let live = true;
    const load = () =>
      loadZones()
        .then((z) => {
          if (live) setZones(z);
        })
        .catch(() => undefined);
    void load();
    const id = setInterval(load, 60000);
    return () => {
      live = false;
      clearInterval(id);
    };
  }, []);
  return zones;
}
