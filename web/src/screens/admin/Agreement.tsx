// /admin/agreement: per peer, the agreement in force with its deadline
// matrix, both parties' office hours and time zones; a waiting proposal
// shown as a difference against the one in force (and "accept" when the
// peer proposed it); proposing an amendment by editing the matrix (the
// draft from GET …/agreement/draft, sent with POST …/proposal).
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { get, post } from '../../api/client';
import { useEventListener } from '../../api/events';
import { useSession } from '../../api/session';
import type { Peer } from '../../api/types';
import { ErrorNote, Page } from '../../ui/Page';
import { Time } from '../../ui/Time';
import type { Agreement as Doc, AgreementStatus, Party } from './adminTypes';
import { Matrix } from './Matrix';
import './admin.css';

type T = (k: string, o?: Record<string, unknown>) => string;

function hhmm(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

function weekdayNames(days: number[], lang: string): string {
  // 2024-01-01 was a Monday (ISO weekday 1).
  const locale = lang === 'zh-CN' ? 'zh-CN' : 'en-GB';
  const f = new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' });
  return new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(days.map((d) => f.format(new Date(Date.UTC(2024, 0, d)))));
}

function officeHours(t: T, p: Party, lang: string): string {
  const h = p.office_hours;
  return t('admin.office_hours_text', { days: weekdayNames(h.weekdays, lang), from: hhmm(h.start_minute), to: hhmm(h.end_minute) });
}

function Parties({ doc, before }: { doc: Doc; before?: Doc }) {
  const { t, i18n } = useTranslation();
  const row = (label: string, show: (p: Party) => string) => (
    <tr>
      <th scope="row">{label}</th>
      {(['a', 'b'] as const).map((side) => {
        const now = show(doc[side]);
        const was = before ? show(before[side]) : now;
        return (
          <td key={side}>
            {was === now ? (
              now
            ) : (
              <span className="agr-changed">
                <del>{was}</del> → <ins>{now}</ins>
              </span>
            )}
          </td>
        );
      })}
    </tr>
  );
  return (
    <table className="agr-parties">
      <caption>{t('admin.parties')}</caption>
      <thead>
        <tr>
          <td />
          <th scope="col">{doc.a.name}</th>
          <th scope="col">{doc.b.name}</th>
        </tr>
      </thead>
      <tbody>
        {row(t('admin.time_zone'), (p) => p.time_zone)}
        {row(t('admin.office_hours'), (p) => officeHours(t, p, i18n.language))}
        {row(t('admin.holidays'), (p) => (p.office_hours.holidays.length ? p.office_hours.holidays.join(', ') : t('admin.none')))}
        {row(t('admin.languages'), (p) => p.languages.join(', '))}
        {row(t('admin.contacts'), (p) => p.contacts.map((c) => [c.name, c.email, c.phone].filter(Boolean).join(' ')).join('; ') || t('admin.none'))}
      </tbody>
    </table>
  );
}

function Terms({ doc, before }: { doc: Doc; before?: Doc }) {
  const { t } = useTranslation();
  const items: [string, (d: Doc) => string][] = [
    [t('admin.four_eyes'), (d) => (d.four_eyes ? t('admin.yes') : t('admin.no'))],
    [t('admin.clock_tolerance'), (d) => t('admin.ms', { n: d.clock_tolerance_ms })],
    [t('admin.heartbeat'), (d) => t('admin.seconds', { n: d.heartbeat_interval_s })],
  ];
  return (
    <dl className="agr-terms">
      {items.map(([label, show]) => {
        const now = show(doc);
        const was = before ? show(before) : now;
        return (
          <div key={label}>
            <dt>{label}</dt>
            <dd>
              {was === now ? (
                now
              ) : (
                <span className="agr-changed">
                  <del>{was}</del> → <ins>{now}</ins>
                </span>
              )}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

function Editor({ peer, onSent }: { peer: string; onSent: () => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Doc | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const base = `/v1/peers/${encodeURIComponent(peer)}/agreement`;
  const start = () => {
    setError(null);
    get<Doc>(`${base}/draft`).then(setDraft).catch(setError);
  };
  const send = async () => {
    if (!draft) return;
    setBusy(true);
    setError(null);
    try {
      await post(`${base}/proposal`, { agreement: draft });
      setDraft(null);
      onSent();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  if (!draft)
    return (
      <div>
        <button type="button" onClick={start}>
          {t('admin.propose_amendment')}
        </button>
        <ErrorNote error={error} />
      </div>
    );
  return (
    <section className="panel agr-editor" aria-labelledby="agr-editor">
      <h2 id="agr-editor">{t('admin.amendment_n', { n: draft.amendment })}</h2>
      <p className="hint">{t('admin.amendment_hint')}</p>
      <Matrix caption={t('admin.matrix')} rules={draft.deadlines} onChange={(deadlines) => setDraft({ ...draft, deadlines })} />
      <label className="admin-check">
        <input type="checkbox" checked={draft.four_eyes} onChange={(e) => setDraft({ ...draft, four_eyes: e.target.checked })} /> {t('admin.four_eyes')}
      </label>
      <ErrorNote error={error} />
      <button type="button" className="primary" onClick={() => void send()} disabled={busy}>
        {t('admin.send_proposal')}
      </button>{' '}
      <button type="button" onClick={() => setDraft(null)}>
        {t('admin.cancel')}
      </button>
    </section>
  );
}

function Pending({ status, peerKey, onAccepted }: { status: AgreementStatus; peerKey: string | undefined; onAccepted: () => void }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const p = status.pending;
  if (!p) return null;
  const fromPeer = !!peerKey && p.proposed_by === peerKey;
  const before = status.current?.document;
  const accept = async () => {
    setBusy(true);
    setError(null);
    try {
      await post(`/v1/peers/${encodeURIComponent(status.peer)}/agreement/accept`, {});
      onAccepted();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel agr-pending" aria-labelledby="agr-pending">
      <h2 id="agr-pending">
        {fromPeer ? t('admin.pending_from_peer', { peer: status.peer, n: p.amendment }) : t('admin.pending_ours', { peer: status.peer, n: p.amendment })}
      </h2>
      <p className="muted">
        {t('admin.proposed_at')} <Time at={p.proposed_at} />
        {before && ` · ${t('admin.diff_hint')}`}
      </p>
      <Terms doc={p.document} before={before} />
      <Parties doc={p.document} before={before} />
      <Matrix caption={t('admin.matrix_proposed')} rules={p.document.deadlines} before={before?.deadlines} />
      <ErrorNote error={error} />
      {fromPeer && can('manage_agreement') && (
        <button type="button" className="primary" onClick={() => void accept()} disabled={busy}>
          {t('admin.accept')}
        </button>
      )}
    </section>
  );
}

export default function Agreement() {
  const { t } = useTranslation();
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const [peers, setPeers] = useState<Peer[]>([]);
  const [status, setStatus] = useState<AgreementStatus | null>(null);
  const [error, setError] = useState<unknown>(null);
  const peer = params.get('peer') || peers[0]?.name || '';

  useEffect(() => {
    get<{ peers: Peer[] }>('/v1/peers')
      .then((a) => setPeers(a.peers))
      .catch(setError);
  }, []);
  const reload = useCallback(() => {
    if (!peer) return;
    get<AgreementStatus>(`/v1/peers/${encodeURIComponent(peer)}/agreement`)
      .then((s) => {
        setStatus(s);
        setError(null);
      })
      .catch(setError);
  }, [peer]);
  useEffect(() => {
    reload();
    const id = setInterval(reload, 3000);
    return () => clearInterval(id);
  }, [reload]);
  useEventListener((e) => {
    if (e.kind === 'agreement_proposed' || e.kind === 'agreement_accepted') reload();
  });

  const peerKey = peers.find((p) => p.name === peer)?.public_key as string | undefined;
  const current = status?.peer === peer ? status.current : null;
  return (
    <Page title={t('admin.agreement_title')}>
      <label className="agr-peer">
        {t('admin.peer')}
        <select value={peer} onChange={(e) => setParams({ peer: e.target.value }, { replace: true })}>
          {peers.map((p) => (
            <option key={p.name} value={p.name}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <ErrorNote error={error} />
      {status && status.peer === peer && <Pending status={status} peerKey={peerKey} onAccepted={reload} />}
      <section className="panel agr-current" aria-labelledby="agr-current">
        <h2 id="agr-current">{t('admin.in_force')}</h2>
        {!current ? (
          <p className="muted">{t('admin.no_agreement')}</p>
        ) : (
          <>
            <p className="muted">
              {t('admin.amendment_n', { n: current.amendment })} · {t('admin.effective_from')} <Time at={current.document.effective_from} />
              {current.accepted_at && (
                <>
                  {' · '}
                  {t('admin.accepted_at')} <Time at={current.accepted_at} />
                </>
              )}
            </p>
            <Terms doc={current.document} />
            <Parties doc={current.document} />
            <Matrix caption={t('admin.matrix')} rules={current.document.deadlines} />
          </>
        )}
      </section>
      {peer && can('manage_agreement') && <Editor key={peer} peer={peer} onSent={reload} />}
    </Page>
  );
}
