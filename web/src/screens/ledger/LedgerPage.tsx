// /ledger: this node's transparency log (size, root, our signed tree
// heads), each peer's heads and their audit state (checked, unchecked,
// inconsistent), the ledger's alarms, and the last verification with a
// "verify now" button. Refreshed on events and every 15 s.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, get, post } from '../../api/client';
import { useEventListener } from '../../api/events';
import { useSession } from '../../api/session';
import { ErrorNote, Page } from '../../ui/Page';
import { Time } from '../../ui/Time';
import './ledger.css';

interface TreeHead {
  tree_size: number;
  root_hash: string;
  time: string;
  signature?: string;
}

interface PeerLedger {
  peer: string;
  latest: TreeHead | null;
  heads: number;
  unchecked: number;
  inconsistent: number;
}

interface Verify {
  at: string;
  by: string;
  ok: boolean;
  sentence: string;
  tree_size: number;
  root_hash: string;
  findings?: number;
  problems?: { code: string; message: string }[];
}

interface LedgerStatus {
  log_size: number;
  root_hash: string;
  own_head: TreeHead | null;
  own_heads: number;
  peers: PeerLedger[];
  inconsistencies: { id: number; at: string; kind: string; detail: string }[];
  last_verify?: Verify | null;
}

// GET /v1/ledger/heads: ours (peer null) and the peers', newest first.
interface HeadRow extends TreeHead {
  peer: string | null;
  received_at: string | null;
  signature: string; // valid | invalid
  status: string | null; // a peer's: ok | unchecked | inconsistent
}

type AuditState = 'inconsistent' | 'unchecked' | 'checked' | 'none';
function auditState(p: PeerLedger): AuditState {
  if (p.inconsistent > 0) return 'inconsistent';
  if (p.unchecked > 0) return 'unchecked';
  return p.heads > 0 ? 'checked' : 'none';
}

function Hash({ value }: { value: string | undefined | null }) {
  if (!value) return null;
  return (
    <code className="ledger-hash" title={value}>
      {value}
    </code>
  );
}

function VerifyResult({ v }: { v: Verify | null | undefined }) {
  const { t } = useTranslation();
  if (!v) return <p className="muted">{t('ledger.never_verified')}</p>;
  return (
    <div className={`ledger-verify ${v.ok ? 'ledger-verify-ok' : 'ledger-verify-failed'}`} role="status">
      <strong className="ledger-verify-word">{v.ok ? t('ledger.verify_passed') : t('ledger.verify_failed')}</strong>{' '}
      <span>
        <Time at={v.at} />
        {v.by && ` · ${t('ledger.verified_by', { by: v.by })}`}
        {` · ${t('ledger.size_n', { n: v.tree_size })}`}
        {!v.ok && v.findings !== undefined && ` · ${t('ledger.findings', { count: v.findings })}`}
      </span>
      {/* The node's own sentence and problems, for the one who must act on a failure. */}
      {!v.ok && <p className="ledger-verify-sentence">{v.sentence}</p>}
      {!v.ok && v.problems && v.problems.length > 0 && (
        <ul className="ledger-problems">
          {v.problems.map((p, i) => (
            <li key={i}>
              <code>{p.code}</code> {p.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function OwnLog({ s }: { s: LedgerStatus }) {
  const { t } = useTranslation();
  return (
    <section className="panel ledger-section" aria-labelledby="ledger-own">
      <h2 id="ledger-own">{t('ledger.own')}</h2>
      <dl className="ledger-facts">
        <dt>{t('ledger.tree_size')}</dt>
        <dd className="ledger-size">{s.log_size}</dd>
        <dt>{t('ledger.root')}</dt>
        <dd className="ledger-root">
          <Hash value={s.root_hash} />
        </dd>
        <dt>{t('ledger.own_head')}</dt>
        <dd>
          {s.own_head ? (
            <>
              {t('ledger.size_n', { n: s.own_head.tree_size })} · <Time at={s.own_head.time} /> <Hash value={s.own_head.root_hash} />
            </>
          ) : (
            <span className="muted">{t('ledger.no_head')}</span>
          )}
        </dd>
        <dt>{t('ledger.own_heads')}</dt>
        <dd>{s.own_heads}</dd>
      </dl>
    </section>
  );
}

function Peers({ s }: { s: LedgerStatus }) {
  const { t } = useTranslation();
  return (
    <section className="panel ledger-section" aria-labelledby="ledger-peers">
      <h2 id="ledger-peers">{t('ledger.peers')}</h2>
      {s.peers.length === 0 ? (
        <p className="muted">{t('ledger.no_peers')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('ledger.peer')}</th>
              <th scope="col">{t('ledger.audit_state')}</th>
              <th scope="col">{t('ledger.latest_head')}</th>
              <th scope="col">{t('ledger.heads')}</th>
              <th scope="col">{t('ledger.unchecked')}</th>
              <th scope="col">{t('ledger.inconsistent')}</th>
            </tr>
          </thead>
          <tbody>
            {s.peers.map((p) => {
              const state = auditState(p);
              return (
                <tr key={p.peer} data-peer={p.peer}>
                  <th scope="row">{p.peer}</th>
                  <td>
                    <span className={`ledger-audit ledger-audit-${state}`}>{t(`ledger.audit_${state}`)}</span>
                  </td>
                  <td>
                    {p.latest ? (
                      <>
                        {t('ledger.size_n', { n: p.latest.tree_size })} · <Time at={p.latest.time} /> <Hash value={p.latest.root_hash} />
                      </>
                    ) : (
                      <span className="muted">{t('ledger.no_head')}</span>
                    )}
                  </td>
                  <td>{p.heads}</td>
                  <td>{p.unchecked}</td>
                  <td>{p.inconsistent}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Heads({ heads }: { heads: HeadRow[] | null }) {
  const { t } = useTranslation();
  if (!heads) return null;
  return (
    <section className="panel ledger-section" aria-labelledby="ledger-heads">
      <h2 id="ledger-heads">{t('ledger.recent_heads')}</h2>
      {heads.length === 0 ? (
        <p className="muted">{t('ledger.no_head')}</p>
      ) : (
        <table className="ledger-head-table">
          <thead>
            <tr>
              <th scope="col">{t('ledger.whose')}</th>
              <th scope="col">{t('ledger.tree_size')}</th>
              <th scope="col">{t('ledger.root')}</th>
              <th scope="col">{t('ledger.signed_at')}</th>
              <th scope="col">{t('ledger.check')}</th>
              <th scope="col">{t('ledger.audit_state')}</th>
            </tr>
          </thead>
          <tbody>
            {heads.map((h, i) => (
              <tr key={i} data-peer={h.peer ?? ''}>
                <td>{h.peer ?? t('ledger.ours')}</td>
                <td>{h.tree_size}</td>
                <td>
                  <Hash value={h.root_hash} />
                </td>
                <td>
                  <Time at={h.time} />
                </td>
                <td className={`ledger-signature-${h.signature}`}>{t(`ledger.check_${h.signature}`, { defaultValue: h.signature })}</td>
                <td>{h.status ? <span className={`ledger-audit ledger-audit-${h.status === 'ok' ? 'checked' : h.status}`}>{t(`ledger.head_${h.status}`, { defaultValue: h.status })}</span> : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export default function LedgerPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const [status, setStatus] = useState<LedgerStatus | null>(null);
  const [heads, setHeads] = useState<HeadRow[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [verifyError, setVerifyError] = useState<unknown>(null);
  const [verifying, setVerifying] = useState(false);
  const [justVerified, setJustVerified] = useState<Verify | null>(null);

  const reload = useCallback(() => {
    get<LedgerStatus>('/v1/ledger/status')
      .then((s) => {
        setStatus(s);
        setError(null);
      })
      .catch(setError);
    get<{ heads: HeadRow[] }>('/v1/ledger/heads?limit=20')
      .then((h) => setHeads(h.heads))
      .catch(() => setHeads(null));
  }, []);
  useEffect(() => {
    reload();
    const id = setInterval(reload, 15000);
    return () => clearInterval(id);
  }, [reload]);
  useEventListener((e) => {
    if (e.kind !== 'link_up' && e.kind !== 'link_down') reload();
  });

  const verify = async () => {
    setVerifying(true);
    setVerifyError(null);
    try {
      setJustVerified(await post<Verify>('/v1/ledger/verify', {}));
      reload();
    } catch (e) {
      setVerifyError(e instanceof ApiError && (e.status === 404 || e.status === 405) ? new ApiError(e.status, 'ledger_verify_missing', t('ledger.verify_missing')) : e);
    } finally {
      setVerifying(false);
    }
  };

  // The answer of our own click has the problems; the status only the summary.
  const last = justVerified && (!status?.last_verify || status.last_verify.at <= justVerified.at) ? justVerified : status?.last_verify;
  return (
    <Page title={t('ledger.title')}>
      <ErrorNote error={error} />
      {status && status.inconsistencies.length > 0 && (
        <section className="ledger-alarm" role="alert" aria-labelledby="ledger-alarm">
          <h2 id="ledger-alarm">{t('ledger.alarm', { count: status.inconsistencies.length })}</h2>
          <ul>
            {status.inconsistencies.map((e) => (
              <li key={e.id}>
                <Time at={e.at} /> {e.detail}
              </li>
            ))}
          </ul>
        </section>
      )}
      <section className="panel ledger-section" aria-labelledby="ledger-verify">
        <h2 id="ledger-verify">{t('ledger.last_verify')}</h2>
        <VerifyResult v={last} />
        {can('read_ledger') && (
          <button type="button" className="primary" onClick={() => void verify()} disabled={verifying}>
            {verifying ? t('ledger.verifying') : t('ledger.verify_now')}
          </button>
        )}
        <ErrorNote error={verifyError} />
      </section>
      {status && <OwnLog s={status} />}
      {status && <Peers s={status} />}
      <Heads heads={heads} />
    </Page>
  );
}
