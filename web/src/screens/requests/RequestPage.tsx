// One request: what was asked, its labels and state, its deadlines (with the
// peer's local time beside), its files, the exchange of texts (each with its
// translations), the actions this person may take now, and the timeline of
// every envelope with its receipt. Live: reloads on the node's events about
// it, and while a receipt is pending.
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError, get } from '../../api/client';
import { useEventListener } from '../../api/events';
import { useSession } from '../../api/session';
import type { Deadline } from '../../api/types';
import { usePeers } from '../../api/peers';
import { codeName } from '../../i18n';
import { DeadlineBadge } from '../../ui/Deadline';
import { ErrorNote, Page } from '../../ui/Page';
import { Time } from '../../ui/Time';
import { TlpBadge } from '../../ui/Tlp';
import { Translations } from '../../ui/Translations';
import { ExportButtons } from '../interop/Export';
import { ActionPanel } from './ActionForms';
import { allowedActions, isRequester, kindOf, type RequestDoc } from './model';
import { Timeline, timelineFromHistory, waitsForReceipt, type TimelineEntry } from './Timeline';
import './requests.css';

function useRequest(id: string) {
  const [doc, setDoc] = useState<RequestDoc | null>(null);
  const [entries, setEntries] = useState<TimelineEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const seq = useRef(0);
  const load = useCallback(async () => {
    const mine = ++seq.current;
    const path = `/v1/requests/${encodeURIComponent(id)}`;
    try {
      const [d, tl] = await Promise.all([
        get<RequestDoc>(path),
        get<{ entries: TimelineEntry[] }>(`${path}/timeline`).catch((e: unknown) => {
          // An older node without the timeline route: the history stands in.
          if (e instanceof ApiError && e.status === 404 && e.code !== 'item_unknown') return null;
          throw e;
        }),
      ]);
      if (mine !== seq.current) return;
      setDoc(d);
      setEntries(tl ? tl.entries : null);
      setError(null);
    } catch (e) {
      if (mine === seq.current) setError(e);
    }
  }, [id]);
  useEffect(() => {
    setDoc(null);
    void load();
  }, [load]);
  return { doc, entries, error, load };
}

function Facts({ r, peerZone }: { r: RequestDoc; peerZone?: string | null }) {
  const { t } = useTranslation();
  const fact = (label: string, value: ReactNode, cls = '') => (
    <div className={`rq-fact ${cls}`}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
  const tlp = r.tlp;
  const pap = (r.labels as { pap?: string } | undefined)?.pap;
  return (
    <dl className="panel rq-facts">
      {fact(t('requests.state'), <span className={`rq-state rq-state-${r.state}`}>{codeName(t, 'state', r.state)}</span>, 'rq-fact-state')}
      {fact(t('requests.direction'), isRequester(r) ? t('requests.box_out') : t('requests.box_in'))}
      {fact(t('requests.peer'), r.peer)}
      {fact(t('requests.kind'), codeName(t, 'request_kind', kindOf(r)))}
      {fact(t('requests.priority'), codeName(t, 'priority', r.priority))}
      {fact(t('requests.tlp'), <TlpBadge tlp={tlp} />)}
      {pap && fact(t('requests.pap'), <span title={codeName(t, 'pap', pap)}>{pap}</span>)}
      {fact(t('requests.author'), r.author)}
      {r.approved_by && fact(t('requests.approved_by'), r.approved_by)}
      {fact(t('requests.created_at'), <Time at={r.created_at} />)}
      {r.sent_at && fact(t('requests.sent_at'), <Time at={r.sent_at} peerZone={peerZone} />)}
      {r.received_at && fact(t('requests.received_at'), <Time at={r.received_at} />)}
      {r.acknowledged_at && fact(t('requests.acknowledged_at'), <Time at={r.acknowledged_at} />)}
      {r.responded_final_at && fact(t('requests.responded_final_at'), <Time at={r.responded_final_at} />)}
      {r.closed_at && fact(t('requests.closed_at'), <Time at={r.closed_at} />)}
      {r.decline_reason && fact(t('requests.decline_reason'), codeName(t, 'decline_reason', r.decline_reason))}
      {r.ratings.length > 0 &&
        fact(
          t('requests.rating'),
          t('requests.rating_value', {
            completeness: r.ratings[r.ratings.length - 1].completeness,
            usefulness: r.ratings[r.ratings.length - 1].usefulness,
          }),
          'rq-fact-rating',
        )}
    </dl>
  );
}

function Deadlines({ list, peerZone }: { list: Deadline[]; peerZone?: string | null }) {
  const { t } = useTranslation();
  if (list.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="rq-deadlines">
      <h2 id="rq-deadlines">{t('requests.deadlines')}</h2>
      <table className="rq-deadlines">
        <thead>
          <tr>
            <th scope="col">{t('requests.dl_name')}</th>
            <th scope="col">{t('requests.dl_side')}</th>
            <th scope="col">{t('requests.dl_status')}</th>
            <th scope="col">{t('requests.dl_due')}</th>
            <th scope="col">{t('requests.dl_met')}</th>
          </tr>
        </thead>
        <tbody>
          {list.map((d) => (
            <tr key={`${d.name}-${d.side}`} data-deadline={d.name} data-status={d.status}>
              <td>{codeName(t, 'deadline', d.name)}</td>
              <td>{codeName(t, 'side', d.side)}</td>
              <td>{codeName(t, 'deadline_status', d.status)}</td>
              <td>
                {d.due_at ? (
                  <DeadlineBadge start={d.start} due={d.due_at} met={d.met_at} peerZone={peerZone} countdown={!d.met_at && d.status === 'running'} />
                ) : (
                  <span className="muted">{t('requests.clock_paused')}</span>
                )}
              </td>
              <td>
                <Time at={d.met_at} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

// The texts exchanged after the request itself: questions, answers,
// responses, reasons and the rating's comment, each translatable.
function Exchange({ r, onChanged }: { r: RequestDoc; onChanged: () => void }) {
  const { t } = useTranslation();
  const texts = r.history
    .map((h, i) => ({ h, i }))
    .filter(({ h }) => h.note || h.rating?.comment || h.reason);
  if (texts.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="rq-exchange">
      <h2 id="rq-exchange">{t('requests.exchange')}</h2>
      <ol className="rq-exchange">
        {texts.map(({ h, i }) => (
          <li key={i} className={`rq-msg rq-msg-${h.side}`} data-action={h.action}>
            <div className="rq-msg-head">
              <strong>{codeName(t, 'action', h.action)}</strong> · {h.actor} ({codeName(t, 'side', h.side)}) · <Time at={h.at} />
              {h.reason && <> · {codeName(t, 'decline_reason', h.reason)}</>}
              {h.rating && (
                <>
                  {' · '}
                  {t('requests.rating_value', { completeness: h.rating.completeness, usefulness: h.rating.usefulness })}
                </>
              )}
            </div>
            {h.note && <Translations item={r} field={`history/${i}/note`} original={h.note} onChanged={onChanged} />}
            {h.rating?.comment && (
              <Translations item={r} field={`history/${i}/rating/comment`} original={h.rating.comment} onChanged={onChanged} />
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

function Files({ r }: { r: RequestDoc }) {
  const { t } = useTranslation();
  if (!r.files?.length) return null;
  return (
    <section className="panel" aria-labelledby="rq-files">
      <h2 id="rq-files">{t('requests.files')}</h2>
      <ul className="rq-files">
        {r.files.map((f) => (
          <li key={`${f.sha256}-${f.action ?? ''}`}>
            <a href={`/v1/attachments/${f.sha256}`} download={f.name}>
              {f.name}
            </a>{' '}
            <span className="muted">
              {t('requests.file_size', { kb: Math.max(1, Math.round(f.size / 1024)) })}
              {f.action && <> · {codeName(t, 'action', f.action)}</>}
              {f.actor && <> · {f.actor}</>}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export default function RequestPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { me, can } = useSession();
  const peers = usePeers();
  const { doc, entries, error, load } = useRequest(id);

  useEventListener((e) => {
    if (!e.item || e.item.kind !== 'request') return;
    if (e.item.id === id || e.item.id === doc?.id) void load();
  });
  // Receipts arrive without an event of their own: look again while any waits.
  const pending = entries ? waitsForReceipt(entries) : false;
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(() => void load(), 2000);
    return () => clearInterval(timer);
  }, [pending, load]);

  if (!doc) {
    return (
      <Page title={t('requests.request')}>
        {error ? <ErrorNote error={error} /> : <p className="muted">{t('common.loading')}</p>}
        <p>
          <Link to="/requests">{t('requests.back')}</Link>
        </p>
      </Page>
    );
  }
  const peerZone = peers.find((p) => p.name === doc.peer)?.time_zone;
  const actions = me ? allowedActions(doc, { name: me.name, can }) : [];
  const draftWaits = doc.state === 'draft';
  return (
    <Page
      title={doc.title || t('requests.request')}
      actions={
        <>
          <ExportButtons kind="request" id={doc.id} formats={['iodef']} />
          <Link to={`/requests?box=${isRequester(doc) ? 'out' : 'in'}`}>{t('requests.back')}</Link>
        </>
      }
    >
      <ErrorNote error={error} />
      {draftWaits && (
        <p className="notice rq-draft-note" role="status">
          {t('requests.draft_waits')}
        </p>
      )}
      <Facts r={doc} peerZone={peerZone} />
      <ActionPanel request={doc} actions={actions} onDone={() => void load()} />
      <section className="panel" aria-labelledby="rq-text">
        <h2 id="rq-text">{t('requests.what_is_asked')}</h2>
        <h3>{t('requests.subject')}</h3>
        <Translations item={doc} field="subject" original={doc.subject} onChanged={() => void load()} />
        <h3>{t('requests.details')}</h3>
        {doc.details ? (
          <Translations item={doc} field="details" original={doc.details} onChanged={() => void load()} />
        ) : (
          <p className="muted">{t('common.none')}</p>
        )}
      </section>
      <Deadlines list={doc.deadlines ?? []} peerZone={peerZone} />
      <Exchange r={doc} onChanged={() => void load()} />
      <Files r={doc} />
      <Timeline entries={entries ?? timelineFromHistory(doc)} fallback={entries === null} />
    </Page>
  );
}
