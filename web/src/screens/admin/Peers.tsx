// /admin/peers: every peer with its link's state, last contact, queue,
// fingerprint and agreement; add a peer (name, URL of its peer listener,
// public key), then compare the fingerprint by telephone.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { get, post } from '../../api/client';
import { useEventListener } from '../../api/events';
import type { Peer } from '../../api/types';
import { ErrorNote, Page } from '../../ui/Page';
import { Time } from '../../ui/Time';
import './admin.css';

// GET /v1/peers says "accepted, amendment N", "proposal from peer waiting",
// "our proposal waiting" (joined by "; "); in the chosen language here.
function agreementText(t: (k: string, o?: Record<string, unknown>) => string, text: string | null): string {
  if (!text) return t('admin.agreement_none');
  return text
    .split('; ')
    .map((part) => {
      const m = /^accepted, amendment (\d+)$/.exec(part);
      if (m) return t('admin.agreement_accepted', { n: Number(m[1]) });
      if (part === 'proposal from peer waiting') return t('admin.agreement_peer_waiting');
      if (part === 'our proposal waiting') return t('admin.agreement_ours_waiting');
      return part;
    })
    .join('; ');
}

function AddPeer({ onAdded }: { onAdded: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [key, setKey] = useState('');
  const [added, setAdded] = useState<Peer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setAdded(null);
    try {
      setAdded(await post<Peer>('/v1/peers', { name: name.trim(), url: url.trim(), public_key: key.trim() }));
      setName('');
      setUrl('');
      setKey('');
      onAdded();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="panel admin-form" onSubmit={submit} aria-labelledby="add-peer">
      <h2 id="add-peer">{t('admin.add_peer')}</h2>
      <div className="admin-row">
        <label>
          {t('admin.peer_name')}
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={64} />
        </label>
        <label>
          {t('admin.peer_url')}
          <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} required pattern="https://.*" aria-describedby="peer-url-hint" />
          <span className="hint" id="peer-url-hint">
            {t('admin.peer_url_hint')}
          </span>
        </label>
        <label>
          {t('admin.peer_key')}
          <input value={key} onChange={(e) => setKey(e.target.value)} required spellCheck={false} aria-describedby="peer-key-hint" />
          <span className="hint" id="peer-key-hint">
            {t('admin.peer_key_hint')}
          </span>
        </label>
      </div>
      <button type="submit" className="primary" disabled={!name.trim() || !url.trim() || !key.trim()}>
        {t('admin.add_peer_submit')}
      </button>
      <ErrorNote error={error} />
      {added && (
        <p className="admin-done" role="status">
          {t('admin.peer_added', { name: added.name })} <code>{added.fingerprint}</code>
        </p>
      )}
    </form>
  );
}

export default function Peers() {
  const { t } = useTranslation();
  const [peers, setPeers] = useState<Peer[]>([]);
  const [error, setError] = useState<unknown>(null);
  const reload = useCallback(() => {
    get<{ peers: Peer[] }>('/v1/peers')
      .then((a) => {
        setPeers(a.peers);
        setError(null);
      })
      .catch(setError);
  }, []);
  useEffect(() => {
    reload();
    const id = setInterval(reload, 5000);
    return () => clearInterval(id);
  }, [reload]);
  useEventListener((e) => {
    if (['link_up', 'link_down', 'peer_added', 'agreement_proposed', 'agreement_accepted'].includes(e.kind)) reload();
  });
  return (
    <Page title={t('admin.peers_title')}>
      <ErrorNote error={error} />
      {peers.length === 0 ? (
        <p className="muted">{t('admin.no_peers')}</p>
      ) : (
        <table className="admin-table admin-peers">
          <thead>
            <tr>
              <th scope="col">{t('admin.peer_name')}</th>
              <th scope="col">{t('admin.link')}</th>
              <th scope="col">{t('admin.last_contact')}</th>
              <th scope="col">{t('admin.queued')}</th>
              <th scope="col">{t('admin.fingerprint')}</th>
              <th scope="col">{t('admin.peer_url')}</th>
              <th scope="col">{t('admin.agreement')}</th>
            </tr>
          </thead>
          <tbody>
            {peers.map((p) => (
              <tr key={p.name} data-peer={p.name}>
                <th scope="row">{p.name}</th>
                <td>
                  <span className={`admin-link admin-link-${p.connected ? 'up' : 'down'}`}>
                    {p.connected ? t('admin.link_up') : t('admin.link_down')}
                  </span>
                  <span className="muted"> · {t(`admin.heartbeat_${p.state}`, { defaultValue: p.state })}</span>
                </td>
                <td>
                  <Time at={p.last_contact} />
                </td>
                <td>{p.queue_length}</td>
                <td>
                  <code className="admin-fingerprint">{p.fingerprint}</code>
                </td>
                <td>
                  <code>{p.url}</code>
                </td>
                <td>
                  <Link to={`/admin/agreement?peer=${encodeURIComponent(p.name)}`}>
                    {agreementText(t, p.agreement)}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <AddPeer onAdded={reload} />
    </Page>
  );
}
