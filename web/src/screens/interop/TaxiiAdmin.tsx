// /admin/taxii: what this office publishes over TAXII 2.1 (docs/interop.md):
// a peer's collection (every case shared with it) or one case's; publish
// and withdraw (GET /v1/taxii, PUT/DELETE /v1/taxii/peers/{name} and
// /v1/taxii/cases/{id}, admins with manage_peers; each change is in the
// audit trail), and the addresses and collection ids to give to MISP or
// OpenCTI with a read-only token of a machine account.
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { del, get, put } from '../../api/client';
import type { Peer } from '../../api/types';
import { ErrorNote, Page } from '../../ui/Page';
import './interop.css';

// The node's collection (its title and description are what TAXII serves,
// in English; the screen names the collection in the reader's language).
interface Collection {
  id: string;
  alias: string;
}

interface Publication {
  peers: string[];
  cases: string[];
  collections: Collection[];
}

function Addresses() {
  const { t } = useTranslation();
  const origin = window.location.origin;
  return (
    <section className="panel" aria-labelledby="taxii-urls">
      <h2 id="taxii-urls">{t('interop.taxii_urls')}</h2>
      <dl className="ix-taxii-urls">
        <dt>{t('interop.taxii_discovery')}</dt>
        <dd>
          <code className="ix-url ix-discovery">{`${origin}/taxii2/`}</code>
        </dd>
        <dt>{t('interop.taxii_api_root')}</dt>
        <dd>
          <code className="ix-url ix-api-root">{`${origin}/taxii2/hotline/`}</code>
        </dd>
      </dl>
      <p className="hint">{t('interop.taxii_how')}</p>
      <p className="hint">
        {t('interop.taxii_token')} <Link to="/admin/tokens">{t('interop.taxii_tokens_link')}</Link>
      </p>
    </section>
  );
}

function Published({ pub, onWithdraw }: { pub: Publication; onWithdraw: (kind: 'peers' | 'cases', name: string) => Promise<boolean> }) {
  const { t } = useTranslation();
  const byAlias = new Map(pub.collections.map((c) => [c.alias, c]));
  const byId = new Map(pub.collections.map((c) => [c.id, c]));
  const rows = [
    ...pub.peers.map((p) => ({ kind: 'peers' as const, name: p, c: byAlias.get(`peer-${p}`) })),
    ...pub.cases.map((id) => ({ kind: 'cases' as const, name: id, c: byId.get(id) })),
  ];
  if (rows.length === 0) return <p className="muted ix-taxii-none">{t('interop.taxii_none')}</p>;
  return (
    <table className="ix-table ix-collections">
      <thead>
        <tr>
          <th scope="col">{t('interop.taxii_what')}</th>
          <th scope="col">{t('interop.taxii_collection_id')}</th>
          <th scope="col">{t('interop.taxii_alias')}</th>
          <th scope="col">{t('interop.actions')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.kind}:${r.name}`} className="ix-collection" data-name={r.name}>
            <th scope="row">
              {r.kind === 'peers' ? (
                t('interop.taxii_peer', { peer: r.name })
              ) : (
                <>
                  {t('interop.taxii_case')} <Link to={`/cases/${r.name}`}>{r.name.slice(-8)}</Link>
                </>
              )}
            </th>
            <td>
              <code className="ix-collection-id">{r.c?.id ?? (r.kind === 'cases' ? r.name : '')}</code>
            </td>
            <td>{r.c ? <code>{r.c.alias}</code> : <span className="muted">{t('interop.taxii_hidden')}</span>}</td>
            <td>
              <button type="button" className="danger" onClick={() => void onWithdraw(r.kind, r.name)} aria-label={t('interop.taxii_withdraw_one', { name: r.name })}>
                {t('interop.taxii_withdraw')}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PublishForms({ pub, onPublish }: { pub: Publication; onPublish: (kind: 'peers' | 'cases', name: string) => Promise<boolean> }) {
  const { t } = useTranslation();
  const [all, setAll] = useState<Peer[] | null>(null);
  useEffect(() => {
    get<{ peers: Peer[] }>('/v1/peers')
      .then((a) => setAll(a.peers))
      .catch(() => setAll([]));
  }, []);
  const peers = (all ?? []).filter((p) => !pub.peers.includes(p.name));
  const [peer, setPeer] = useState('');
  const [caseId, setCaseId] = useState('');
  const id = useId();
  const peerChoice = peer || peers[0]?.name || '';
  const publishPeer = (e: FormEvent) => {
    e.preventDefault();
    if (peerChoice) void onPublish('peers', peerChoice);
  };
  const publishCase = (e: FormEvent) => {
    e.preventDefault();
    void onPublish('cases', caseId.trim()).then((ok) => ok && setCaseId(''));
  };
  return (
    <section className="panel" aria-labelledby="taxii-publish">
      <h2 id="taxii-publish">{t('interop.taxii_publish_title')}</h2>
      {all === null ? null : peers.length === 0 ? (
        <p className="muted ix-all-peers">{t('interop.taxii_all_peers')}</p>
      ) : (
        <form className="ix-search-form ix-publish-peer" onSubmit={publishPeer}>
          <div className="ix-field">
            <label className="ix-label" htmlFor={`${id}-peer`}>
              {t('interop.taxii_peer_field')}
            </label>
            <select id={`${id}-peer`} value={peerChoice} onChange={(e) => setPeer(e.target.value)}>
              {peers.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="primary" disabled={!peerChoice}>
            {t('interop.taxii_publish_peer')}
          </button>
          <span className="hint">{t('interop.taxii_peer_hint')}</span>
        </form>
      )}
      <form className="ix-search-form ix-publish-case" onSubmit={publishCase}>
        <div className="ix-field ix-search-value">
          <label className="ix-label" htmlFor={`${id}-case`}>
            {t('interop.taxii_case_field')}
          </label>
          <input id={`${id}-case`} value={caseId} onChange={(e) => setCaseId(e.target.value)} required spellCheck={false} pattern="[0-9a-fA-F\-]{36}" />
        </div>
        <button type="submit" className="primary" disabled={!caseId.trim()}>
          {t('interop.taxii_publish_case')}
        </button>
        <span className="hint">{t('interop.taxii_case_hint')}</span>
      </form>
    </section>
  );
}

export default function TaxiiAdmin() {
  const { t } = useTranslation();
  const [pub, setPub] = useState<Publication | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const reload = useCallback(() => {
    get<Publication>('/v1/taxii')
      .then((p) => {
        setPub(p);
        setError(null);
      })
      .catch(setError);
  }, []);
  useEffect(reload, [reload]);
  const change = (publish: boolean) => async (kind: 'peers' | 'cases', name: string): Promise<boolean> => {
    setError(null);
    setDone(null);
    try {
      const path = `/v1/taxii/${kind}/${encodeURIComponent(name)}`;
      setPub(await (publish ? put<Publication>(path) : del<Publication>(path)));
      const what = kind === 'peers' ? t('interop.taxii_peer', { peer: name }) : `${t('interop.taxii_case')} ${name.slice(-8)}`;
      setDone(publish ? t('interop.taxii_published', { what }) : t('interop.taxii_withdrawn', { what }));
      return true;
    } catch (err) {
      setError(err);
      return false;
    }
  };
  const publish = change(true);
  const withdraw = change(false);
  return (
    <Page title={t('interop.taxii_page_title')}>
      <div className="ix-page">
      <p className="hint">{t('interop.taxii_intro')}</p>
      <ErrorNote error={error} />
      {done && (
        <p className="ix-done" role="status">
          {done}
        </p>
      )}
      <section className="panel" aria-labelledby="taxii-published">
        <h2 id="taxii-published">{t('interop.taxii_published_title')}</h2>
        {pub ? <Published pub={pub} onWithdraw={withdraw} /> : !error && <p className="muted">{t('common.loading')}</p>}
      </section>
      {pub && <PublishForms pub={pub} onPublish={publish} />}
      <Addresses />
      </div>
    </Page>
  );
}
