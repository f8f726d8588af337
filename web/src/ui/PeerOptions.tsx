// The options of a peer chooser: one per peer, by name (names are not translated).
import type { Peer } from '../api/types';

export function PeerOptions({ peers }: { peers: Pick<Peer, 'name'>[] }) {
  return (
    <>
      {peers.map((p) => (
        <option key={p.name} value={p.name}>
          {p.name}
        </option>
      ))}
    </>
  );
}
