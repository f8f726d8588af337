// One dispute: its subject (the item or the report's figure, linked), both
// sides' positions with their translations beside them, the settlement
// proposed or agreed, and exactly the actions this person's role and this
// side may take in its state (model/dispute.h): answer, add a position or a
// translation, propose a settlement (with an adjustment for timeliness),
// accept, reject, withdraw.
import { useEffect, useRef, useState, type FormEvent, type ReactNode, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError, get, query } from '../../api/client';
import { useSession } from '../../api/session';
import { codeName } from '../../i18n';
import { Page } from '../../ui/Page';
import { ErrorNote } from './ReviewError';
import { Time } from '../../ui/Time';
import { TlpBadge } from '../../ui/Tlp';
import { LangSelect } from './DisputeList';
import { FilesField, useFiles, type FileRef } from './FilesField';
import { adjustableDeadlines, formatDay, periodEndDay, shortId, type Dispute, type Position, type ReviewSummary } from './review';
import { useSharedItem, type Act } from './useSharedItem';
import './review.css';

const live = ['open', 'answered', 'settlement_proposed'];

// Where the disputed item lives: its kind is found by asking each list.
function useSubjectLink(d: Dispute | null): { to: string; label: string } | null {
  const { t, i18n } = useTranslation();
  const [link, setLink] = useState<{ to: string; label: string } | null>(null);
  const item = d?.subject.item;
  const figure = d?.subject.figure;
  const peer = d?.peer;
  const from = d?.subject.period_from;
  const to = d?.subject.period_to;
  useEffect(() => {
    let stop = false;
    setLink(null);
    if (item) {
      (async () => {
        for (const kind of ['alerts', 'requests', 'cases'] as const) {
          try {
            const it = await get<{ id: string; title?: string; summary?: string; subject?: string; state: string }>(`/v1/${kind}/${item}`);
            const name = it.title || it.summary || it.subject || shortId(it.id);
            if (!stop) setLink({ to: `/${kind}/${it.id}`, label: `${codeName(t, 'item_kind', kind.slice(0, -1))} · ${name} · ${codeName(t, 'state', it.state)}` });
            return;
          } catch (e) {
            if (!(e instanceof ApiError) || e.status !== 404) return;
          }
        }
      })();
    } else if (figure && peer) {
      get<{ reviews: ReviewSummary[] }>(`/v1/reviews${query({ peer })}`)
        .then((a) => {
          const r = a.reviews.find((x) => x.period_from === from && x.period_to === to);
          if (!stop && r) setLink({ to: `/review/reports/${r.id}`, label: t('review.subject_report') });
        })
        .catch(() => undefined);
    }
    return () => {
      stop = true;
    };
  }, [item, figure, peer, from, to, t, i18n.language]);
  return link;
}

function Subject({ d }: { d: Dispute }) {
  const { t, i18n } = useTranslation();
  const link = useSubjectLink(d);
  if (d.subject.item)
    return (
      <p className="dispute-subject">
        {t('review.subject_item')}: {link ? <Link to={link.to}>{link.label}</Link> : <code>{d.subject.item}</code>}
      </p>
    );
  return (
    <p className="dispute-subject">
      {t('review.subject_figure')}: <code>{d.subject.figure}</code>{' '}
      {d.subject.period_from &&
        d.subject.period_to &&
        t('review.period_words', {
          from: formatDay(d.subject.period_from, i18n.language),
          to: formatDay(periodEndDay(d.subject.period_to), i18n.language),
        })}{' '}
      {link ? <Link to={link.to}>{link.label}</Link> : <Link to="/review/reports">{t('nav.reports')}</Link>}
    </p>
  );
}

function sideName(t: (k: string, o?: Record<string, unknown>) => string, side: string, peer: string) {
  return side === 'ours' ? t('review.side_ours') : t('review.side_theirs', { peer });
}

function PositionView({ p, index, peer, onTranslate, children }: { p: Position; index: number; peer: string; onTranslate?: (i: number) => void; children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <li className={`dispute-position dispute-position-${p.side}`} data-position={index} lang={p.lang}>
      <div className="dispute-position-head">
        <strong>{t('review.position_n', { n: index + 1 })}</strong> · {sideName(t, p.side, peer)} · {p.actor} ·{' '}
        {codeName(t, 'action', p.action)} · <Time at={p.at} /> · <span className="muted">{p.lang}</span>
        {p.translation_of !== null && <> · {t('review.translation_of', { n: p.translation_of + 1 })}</>}
      </div>
      <p className="dispute-position-text">{p.text}</p>
      {p.attachments.length > 0 && (
        <ul>
          {p.attachments.map((f) => (
            <li key={f.sha256}>
              <a href={`/v1/attachments/${f.sha256}`} download={f.name}>
                {f.name}
              </a>
            </li>
          ))}
        </ul>
      )}
      {onTranslate && (
        <button type="button" className="link-button" onClick={() => onTranslate(index)}>
          {t('review.translate')}
        </button>
      )}
      {children}
    </li>
  );
}

// Translations of a position kept on this node only (POST
// /v1/disputes/{id}/translations), beside the ones both sides hold.
function LocalTranslations({ d, index }: { d: Dispute; index: number }) {
  const { t } = useTranslation();
  const mine = (d.translations ?? []).filter((x) => x.field === `positions/${index}/text`);
  if (mine.length === 0) return null;
  return (
    <ul className="dispute-translations" aria-label={t('review.local_translations')}>
      {mine.map((x) => (
        <li key={x.id} className="dispute-position" lang={x.lang}>
          <div className="dispute-position-head">
            {t('review.local_translation', { lang: x.lang, by: x.by })} · <Time at={x.at} />
            {!x.current && <strong className="review-overdue-word"> {t('review.translation_stale')}</strong>}
          </div>
          <p className="dispute-position-text">{x.text}</p>
        </li>
      ))}
    </ul>
  );
}

function Positions({ d, onTranslate }: { d: Dispute; onTranslate?: (i: number) => void }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="positions">
      <h2 id="positions">{t('review.positions')}</h2>
      <ol className="dispute-positions">
        {d.positions.map((p, i) =>
          p.translation_of !== null && d.positions[p.translation_of] ? null : (
            <PositionView key={i} p={p} index={i} peer={d.peer} onTranslate={onTranslate}>
              <LocalTranslations d={d} index={i} />
              {d.positions.some((x) => x.translation_of === i) && (
                <ul className="dispute-translations" aria-label={t('review.translations')}>
                  {d.positions.map((x, j) => (x.translation_of === i ? <PositionView key={j} p={x} index={j} peer={d.peer} /> : null))}
                </ul>
              )}
            </PositionView>
          ),
        )}
      </ol>
    </section>
  );
}

function SettlementView({ d }: { d: Dispute }) {
  const { t } = useTranslation();
  const s = d.proposal;
  if (!s && d.state !== 'withdrawn') return null;
  return (
    <section className="dispute-settlement" aria-labelledby="settlement">
      <h2 id="settlement">{d.state === 'settled' ? t('review.settlement_agreed') : d.state === 'withdrawn' ? t('review.withdrawn') : t('review.settlement_proposed', { v: s?.version ?? 0 })}</h2>
      {s && (
        <>
          <p className="muted">
            {sideName(t, s.side, d.peer)} · {s.actor} · <Time at={s.at} />
          </p>
          <p className="dispute-position-text">{s.text}</p>
          {s.adjustment && (
            <p>
              {t('review.adjustment_words', { deadline: codeName(t, 'deadline', s.adjustment.deadline) })}{' '}
              <code>{shortId(s.adjustment.item)}</code>
            </p>
          )}
        </>
      )}
      {d.state === 'settled' && (
        <p>
          {t('review.settled_by', { who: d.settled_by })} <Time at={d.settled_at} />
        </p>
      )}
      {d.state === 'withdrawn' && <p className="dispute-position-text">{t('review.withdraw_reason_was', { reason: d.withdraw_reason })}</p>}
    </section>
  );
}

function DisputeHead({ d }: { d: Dispute }) {
  const { t } = useTranslation();
  return (
    <p>
      <span className="dispute-state">{codeName(t, 'state', d.state)}</span> · {codeName(t, 'ground', d.ground)} · <TlpBadge tlp={d.tlp} /> ·{' '}
      {t('review.with_peer', { peer: d.peer })} ·{' '}
      {d.origin === 'ours' ? t('review.opened_by_us') : t('review.opened_by_peer', { peer: d.peer })} · <Time at={d.created_at} />
    </p>
  );
}

// Exactly the actions model/dispute.h allows this side in this state, for
// this person's permissions.
function DisputeActions({ d, busy, act, translating, setTranslating, textRef }: {
  d: Dispute;
  busy: boolean;
  act: Act;
  translating: number | null;
  setTranslating: (i: number | null) => void;
  textRef: RefObject<HTMLTextAreaElement | null>;
}) {
  const { t, i18n } = useTranslation();
  const { can } = useSession();
  const argue = can('act_disputes') && live.includes(d.state);
  const settle = can('settle_disputes');
  const mayAnswer = argue && d.state === 'open' && d.origin === 'theirs';
  const mayWithdraw = argue && d.origin === 'ours';
  const mayPropose = settle && (d.state === 'answered' || d.state === 'settlement_proposed');
  const mayDecide = settle && d.state === 'settlement_proposed' && d.proposal?.side === 'theirs';
  const defaultLang = i18n.language === 'zh-CN' ? 'zh-CN' : 'en';
  return (
    <div className="review-actions">
      {mayAnswer && (
        <PositionForm legend={t('review.answer')} submit={t('review.answer_send')} defaultLang={defaultLang} busy={busy}
          onSubmit={(text, lang, attachments) => act('answer', { text, lang, attachments })} />
      )}
      {argue && (
        <PositionForm
          legend={translating === null ? t('review.add_position') : t('review.add_translation', { n: translating + 1 })}
          submit={t('review.add_position_send')}
          defaultLang={defaultLang}
          busy={busy}
          textRef={textRef}
          translationOf={translating}
          positions={d.positions.length}
          onTranslationOf={setTranslating}
          onSubmit={async (text, lang, attachments) => {
            const ok = await act('add_position', { text, lang, translation_of: translating, attachments });
            if (ok) setTranslating(null);
            return ok;
          }}
        />
      )}
      {mayPropose && <ProposeForm d={d} busy={busy} act={act} />}
      {mayDecide && d.proposal && <DecideForm version={d.proposal.version} busy={busy} act={act} />}
      {mayWithdraw && (
        <ReasonForm legend={t('review.withdraw')} submit={t('review.withdraw_send')} busy={busy} danger onSubmit={(reason) => act('withdraw', { reason })} />
      )}
    </div>
  );
}

export default function DisputePage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { can } = useSession();
  const { item: d, error, actionError, busy, act } = useSharedItem<Dispute>('dispute', id);
  const [translating, setTranslating] = useState<number | null>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);
  if (!d)
    return (
      <Page title={t('nav.disputes')}>
        <ErrorNote error={error} />
        {!error && <p className="muted">{t('common.loading')}</p>}
      </Page>
    );
  const translate =
    can('act_disputes') && live.includes(d.state)
      ? (i: number) => {
          setTranslating(i);
          textRef.current?.focus();
        }
      : undefined;
  return (
    <Page title={d.title}>
      <div className="dispute" data-state={d.state}>
        <DisputeHead d={d} />
        <Subject d={d} />
        <Positions d={d} onTranslate={translate} />
        <SettlementView d={d} />
        <ErrorNote error={actionError} />
        <DisputeActions d={d} busy={busy} act={act} translating={translating} setTranslating={setTranslating} textRef={textRef} />
        <History d={d} />
      </div>
    </Page>
  );
}

function PositionForm({
  legend, submit, defaultLang, busy, onSubmit, textRef, translationOf, positions, onTranslationOf,
}: {
  legend: string;
  submit: string;
  defaultLang: string;
  busy: boolean;
  onSubmit: (text: string, lang: string, attachments: FileRef[]) => Promise<boolean>;
  textRef?: RefObject<HTMLTextAreaElement | null>;
  translationOf?: number | null;
  positions?: number;
  onTranslationOf?: (i: number | null) => void;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [lang, setLang] = useState(defaultLang);
  const files = useFiles();
  const [error, setError] = useState<unknown>(null);
  const send = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    let attachments: FileRef[];
    try {
      attachments = await files.uploadAll();
    } catch (err) {
      setError(err);
      return;
    }
    if (await onSubmit(text, lang, attachments)) {
      setText('');
      files.clear();
      (e.target as HTMLFormElement).reset();
    }
  };
  return (
    <form className="review-form" onSubmit={send}>
      <fieldset>
        <legend>{legend}</legend>
        {onTranslationOf && positions !== undefined && (
          <label>
            {t('review.translation_of_label')}
            <select value={translationOf ?? ''} onChange={(e) => onTranslationOf(e.target.value === '' ? null : Number(e.target.value))}>
              <option value="">{t('review.not_a_translation')}</option>
              {Array.from({ length: positions }, (_, i) => (
                <option key={i} value={i}>
                  {t('review.position_n', { n: i + 1 })}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          {t('review.text')}
          <textarea ref={textRef} value={text} onChange={(e) => setText(e.target.value)} required />
        </label>
        <LangSelect value={lang} onChange={setLang} />
        <FilesField state={files} />
        <ErrorNote error={error} />
        <button type="submit" className="primary" disabled={busy || !!files.progress}>
          {submit}
        </button>
      </fieldset>
    </form>
  );
}

function ReasonForm({ legend, submit, busy, danger, onSubmit }: { legend: string; submit: string; busy: boolean; danger?: boolean; onSubmit: (reason: string) => Promise<boolean> }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  return (
    <form
      className="review-form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (await onSubmit(reason)) setReason('');
      }}
    >
      <fieldset>
        <legend>{legend}</legend>
        <label>
          {t('review.reason')}
          <input value={reason} onChange={(e) => setReason(e.target.value)} required />
        </label>
        <button type="submit" className={danger ? 'danger' : ''} disabled={busy}>
          {submit}
        </button>
      </fieldset>
    </form>
  );
}

function ProposeForm({ d, busy, act }: { d: Dispute; busy: boolean; act: Act }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [adjust, setAdjust] = useState(false);
  const [item, setItem] = useState(d.subject.item ?? '');
  const [deadline, setDeadline] = useState<string>('final_response');
  const timeliness = d.ground === 'timeliness';
  return (
    <form
      className="review-form propose-form"
      onSubmit={async (e) => {
        e.preventDefault();
        const adjustment = timeliness && adjust ? { item: item.trim(), deadline } : null;
        if (await act('propose', { text, adjustment })) setText('');
      }}
    >
      <fieldset>
        <legend>{d.state === 'settlement_proposed' ? t('review.propose_new') : t('review.propose')}</legend>
        <label>
          {t('review.settlement_text')}
          <textarea value={text} onChange={(e) => setText(e.target.value)} required />
        </label>
        {timeliness && (
          <>
            <label className="review-check">
              <input type="checkbox" checked={adjust} onChange={(e) => setAdjust(e.target.checked)} /> {t('review.with_adjustment')}
            </label>
            {adjust && (
              <div className="review-row">
                <label>
                  {t('review.item_id')}
                  <input value={item} onChange={(e) => setItem(e.target.value)} required />
                </label>
                <label>
                  {t('review.deadline')}
                  <select value={deadline} onChange={(e) => setDeadline(e.target.value)}>
                    {adjustableDeadlines.map((x) => (
                      <option key={x} value={x}>
                        {codeName(t, 'deadline', x)}
                      </option>
                    ))}
                  </select>
                </label>
              </div>
            )}
          </>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {t('review.propose_send')}
        </button>
      </fieldset>
    </form>
  );
}

function DecideForm({ version, busy, act }: { version: number; busy: boolean; act: Act }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  return (
    <fieldset className="decide-form">
      <legend>{t('review.decide', { v: version })}</legend>
      <button type="button" className="primary" disabled={busy} onClick={() => void act('accept', { version })}>
        {t('review.accept_settlement')}
      </button>
      <form
        className="review-row"
        onSubmit={async (e) => {
          e.preventDefault();
          if (await act('reject', { version, reason })) setReason('');
        }}
      >
        <label>
          {t('review.reject_reason')}
          <input value={reason} onChange={(e) => setReason(e.target.value)} required />
        </label>
        <button type="submit" className="danger" disabled={busy}>
          {t('review.reject_settlement')}
        </button>
      </form>
    </fieldset>
  );
}

interface TimelineEntry {
  index: number;
  side: string;
  actor: string;
  action: string;
  sent_at: string;
  received_at: string | null;
  receipt: { state: 'receipted' | 'pending' | 'none'; at: string | null };
  void: boolean;
}

// Every action in the agreed order, with when it was sent, received and
// receipted (GET /v1/disputes/{id}/timeline); the dispute's own history
// when the node has no timeline.
function History({ d }: { d: Dispute }) {
  const { t } = useTranslation();
  const [entries, setEntries] = useState<TimelineEntry[] | null>(null);
  useEffect(() => {
    get<{ entries: TimelineEntry[] }>(`/v1/disputes/${d.id}/timeline`)
      .then((a) => setEntries(a.entries))
      .catch(() => setEntries(null));
  }, [d.id, d.updated_at]);
  if (!entries)
    return (
      <details className="review-history">
        <summary>{t('review.history')}</summary>
        <ol>
          {d.history.map((h, i) => (
            <li key={i}>
              <Time at={h.at} /> · {sideName(t, h.side, d.peer)} · {h.actor} · {codeName(t, 'action', h.action)}
            </li>
          ))}
        </ol>
      </details>
    );
  return (
    <details className="review-history" open>
      <summary>{t('review.history')}</summary>
      <table className="review-timeline">
        <thead>
          <tr>
            <th scope="col">{t('review.action')}</th>
            <th scope="col">{t('review.side')}</th>
            <th scope="col">{t('review.sent')}</th>
            <th scope="col">{t('review.received_here')}</th>
            <th scope="col">{t('review.receipt')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.index} className={e.void ? 'review-void' : ''}>
              <td>
                {codeName(t, 'action', e.action)}
                {e.void && <strong> {t('review.void')}</strong>}
              </td>
              <td>
                {sideName(t, e.side, d.peer)} · {e.actor}
              </td>
              <td>
                <Time at={e.sent_at} />
              </td>
              <td>{e.received_at ? <Time at={e.received_at} /> : t('common.none')}</td>
              <td>
                {e.receipt.state === 'receipted' ? (
                  <>
                    {t('review.receipted')} <Time at={e.receipt.at} />
                  </>
                ) : e.receipt.state === 'pending' ? (
                  t('review.receipt_pending')
                ) : (
                  t('common.none')
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
