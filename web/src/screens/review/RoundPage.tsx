// One review round (model/review_round.h): the plan and the agenda with
// its version and who accepted it; edit the agenda, accept the version
// read; the minutes with their action items (owner, text, due date),
// proposed, then signed by the other side; action items completed by
// their owner; cancel before the minutes are signed. Each action only when
// the round's state, our side and the person's role allow it.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useSession } from '../../api/session';
import { usePeers } from '../../app/TopBar';
import { codeName } from '../../i18n';
import { Page } from '../../ui/Page';
import { ErrorNote } from './ReviewError';
import { Time } from '../../ui/Time';
import { formatDay, periodEndDay, shortId, type ActionItem, type AgendaPoint, type Participant, type Round } from './review';
import { agendaLink, agendaText } from './agendaWords';
import { isoToLocal, localToIso, ParticipantsEditor } from './RoundList';
import { useSharedItem, type Act } from './useSharedItem';
import './review.css';

const toArgs = (party: string) => (party === 'theirs' || party === 'yours' ? 'yours' : 'mine');

// A point from the records names an item by its id (linked), or a figure by its path.
function refLink(p: AgendaPoint) {
  if (!p.ref) return null;
  const to = agendaLink(p.text, p.ref);
  if (to) return <Link to={to}>{shortId(p.ref)}</Link>;
  return <code>{p.ref.startsWith('/') ? p.ref : shortId(p.ref)}</code>;
}

function Agenda({ r }: { r: Round }) {
  const { t, i18n } = useTranslation();
  return (
    <section aria-labelledby="agenda">
      <h2 id="agenda">{t('review.agenda_version', { v: r.agenda_version })}</h2>
      <p className="round-agenda-accepted">
        {r.agenda_accepted_ours ? t('review.accepted_by_us') : t('review.not_accepted_by_us')} ·{' '}
        {r.agenda_accepted_theirs ? t('review.accepted_by_peer', { peer: r.peer }) : t('review.not_accepted_by_peer', { peer: r.peer })}
      </p>
      <ol className="round-agenda">
        {r.plan.agenda.map((p, i) => (
          <li key={i} data-source={p.source}>
            <span className="review-text">{agendaText(t, i18n.language, p.source, p.text)}</span>{' '}
            <span className="review-source muted">
              ({p.source === 'records' ? t('review.from_records') : t('review.from_party')}
              {p.ref && <> · {refLink(p)}</>})
            </span>
          </li>
        ))}
      </ol>
      <h3>{t('review.participants')}</h3>
      <ul>
        {r.plan.participants.map((p, i) => (
          <li key={i}>
            {p.name}
            {p.role && ` (${p.role})`} · {p.party === 'ours' ? t('review.side_ours') : t('review.side_theirs', { peer: r.peer })}
          </li>
        ))}
      </ul>
    </section>
  );
}

function AgendaEditor({ r, busy, act, onClose }: { r: Round; busy: boolean; act: Act; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const [title, setTitle] = useState(r.plan.title);
  const [meeting, setMeeting] = useState(isoToLocal(r.plan.meeting_at));
  const [place, setPlace] = useState(r.plan.place);
  const [participants, setParticipants] = useState<Participant[]>(r.plan.participants.map((p) => ({ ...p, party: toArgs(p.party) })));
  const [points, setPoints] = useState<AgendaPoint[]>(r.plan.agenda);
  const [added, setAdded] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const agenda = [...points, ...added.split('\n').map((s) => s.trim()).filter(Boolean).map((text) => ({ text, source: 'party', ref: '' }))];
    const ok = await act('edit_agenda', {
      title,
      period_from: r.plan.period_from,
      period_to: r.plan.period_to,
      meeting_at: localToIso(meeting),
      place,
      participants: participants.map((p) => ({ name: p.name, role: p.role, party: toArgs(p.party) })),
      agenda,
    });
    if (ok) onClose();
  };
  return (
    <form className="review-form" onSubmit={submit}>
      <fieldset>
        <legend>{t('review.edit_agenda')}</legend>
        <label>
          {t('review.round_title')}
          <input value={title} onChange={(e) => setTitle(e.target.value)} required />
        </label>
        <div className="review-row">
          <label>
            {t('review.meeting_at')}
            <input type="datetime-local" value={meeting} onChange={(e) => setMeeting(e.target.value)} required />
          </label>
          <label>
            {t('review.place')}
            <input value={place} onChange={(e) => setPlace(e.target.value)} />
          </label>
        </div>
        <ParticipantsEditor value={participants} onChange={setParticipants} sides={['mine', 'yours']} />
        <ol className="round-agenda">
          {points.map((p, i) => (
            <li key={i}>
              <span className="review-text">{agendaText(t, i18n.language, p.source, p.text)}</span>{' '}
              <button type="button" className="link-button" onClick={() => setPoints(points.filter((_, j) => j !== i))} aria-label={t('review.remove_point', { n: i + 1 })}>
                {t('review.remove')}
              </button>
            </li>
          ))}
        </ol>
        <label>
          {t('review.agenda_add')}
          <textarea value={added} onChange={(e) => setAdded(e.target.value)} />
        </label>
        <div className="review-row">
          <button type="submit" className="primary" disabled={busy}>
            {t('review.edit_agenda_send')}
          </button>
          <button type="button" onClick={onClose}>
            {t('review.cancel_form')}
          </button>
        </div>
      </fieldset>
    </form>
  );
}

function MinutesForm({ r, busy, act }: { r: Round; busy: boolean; act: Act }) {
  const { t } = useTranslation();
  const [minutes, setMinutes] = useState(r.minutes);
  const [items, setItems] = useState<{ owner: string; text: string; due: string }[]>(
    r.action_items.map((a) => ({ owner: toArgs(a.owner), text: a.text, due: a.due })),
  );
  const set = (i: number, v: Partial<{ owner: string; text: string; due: string }>) => setItems(items.map((x, j) => (j === i ? { ...x, ...v } : x)));
  return (
    <form
      className="review-form minutes-form"
      onSubmit={async (e) => {
        e.preventDefault();
        await act('propose_minutes', { minutes, action_items: items });
      }}
    >
      <fieldset>
        <legend>{r.state === 'minutes_proposed' ? t('review.minutes_new') : t('review.minutes_propose')}</legend>
        <label>
          {t('review.minutes')}
          <textarea value={minutes} onChange={(e) => setMinutes(e.target.value)} required />
        </label>
        <h3>{t('review.action_items')}</h3>
        {items.map((it, i) => (
          <div className="review-row" key={i}>
            <label>
              {t('review.owner')}
              <select value={it.owner} onChange={(e) => set(i, { owner: e.target.value })}>
                <option value="mine">{t('review.side_ours')}</option>
                <option value="yours">{t('review.side_theirs', { peer: r.peer })}</option>
              </select>
            </label>
            <label>
              {t('review.item_text')}
              <input value={it.text} onChange={(e) => set(i, { text: e.target.value })} required />
            </label>
            <label>
              {t('review.due_date')}
              <input type="date" value={it.due} onChange={(e) => set(i, { due: e.target.value })} required />
            </label>
            <button type="button" onClick={() => setItems(items.filter((_, j) => j !== i))} aria-label={t('review.remove_item', { n: i + 1 })}>
              {t('review.remove')}
            </button>
          </div>
        ))}
        <div className="review-row">
          <button type="button" onClick={() => setItems([...items, { owner: 'mine', text: '', due: '' }])}>
            {t('review.add_item')}
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {t('review.minutes_send')}
          </button>
        </div>
      </fieldset>
    </form>
  );
}

function ActionItemRow({ a, index, r, mayComplete, busy, act }: { a: ActionItem; index: number; r: Round; mayComplete: boolean; busy: boolean; act: Act }) {
  const { t } = useTranslation();
  const [note, setNote] = useState('');
  return (
    <tr className={a.overdue ? 'review-overdue' : ''} data-item-index={index}>
      <td>{index + 1}</td>
      <td>{a.owner === 'ours' ? t('review.side_ours') : t('review.side_theirs', { peer: r.peer })}</td>
      <td className="review-text">{a.text}</td>
      <td>
        {a.due}
        {a.overdue && <span className="review-overdue-word"> {t('review.overdue')}</span>}
      </td>
      <td>
        {a.done ? (
          <>
            {t('review.done_by', { who: a.done_by })} <Time at={a.done_at} />
            {a.done_note && <span className="review-text"> · {a.done_note}</span>}
          </>
        ) : mayComplete && a.owner === 'ours' ? (
          <form
            className="review-row"
            onSubmit={async (e) => {
              e.preventDefault();
              await act('complete_action_item', { index, note });
            }}
          >
            <label>
              {t('review.done_note')}
              <input value={note} onChange={(e) => setNote(e.target.value)} required />
            </label>
            <button type="submit" disabled={busy}>
              {t('review.complete')}
            </button>
          </form>
        ) : (
          t('review.not_done')
        )}
      </td>
    </tr>
  );
}

function Minutes({ r, mayComplete, busy, act }: { r: Round; mayComplete: boolean; busy: boolean; act: Act }) {
  const { t } = useTranslation();
  if (r.minutes_version === 0) return null;
  return (
    <section aria-labelledby="minutes">
      <h2 id="minutes">
        {r.state === 'closed' ? t('review.minutes_signed', { v: r.minutes_version }) : t('review.minutes_version', { v: r.minutes_version })}
      </h2>
      <p className="muted">{r.minutes_by === 'ours' ? t('review.minutes_by_us') : t('review.minutes_by_peer', { peer: r.peer })}</p>
      <p className="review-text">{r.minutes}</p>
      {r.action_items.length > 0 && (
        <table className="review-action-items">
          <caption>{t('review.action_items')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('review.number')}</th>
              <th scope="col">{t('review.owner')}</th>
              <th scope="col">{t('review.item_text')}</th>
              <th scope="col">{t('review.due_date')}</th>
              <th scope="col">{t('review.done')}</th>
            </tr>
          </thead>
          <tbody>
            {r.action_items.map((a, i) => (
              <ActionItemRow key={i} a={a} index={i} r={r} mayComplete={mayComplete && r.state === 'closed'} busy={busy} act={act} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function CancelForm({ busy, act }: { busy: boolean; act: Act }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  return (
    <form
      className="review-form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (await act('cancel', { reason })) setReason('');
      }}
    >
      <fieldset>
        <legend>{t('review.cancel_round')}</legend>
        <label>
          {t('review.reason')}
          <input value={reason} onChange={(e) => setReason(e.target.value)} required />
        </label>
        <button type="submit" className="danger" disabled={busy}>
          {t('review.cancel_round_send')}
        </button>
      </fieldset>
    </form>
  );
}

// Accept the agenda version shown; edit it (a new version).
function AgendaActions({ r, prepare, busy, act }: { r: Round; prepare: boolean; busy: boolean; act: Act }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const mayEdit = prepare && (r.state === 'proposed' || r.state === 'agenda_agreed');
  const mayAccept = prepare && r.state === 'proposed' && !r.agenda_accepted_ours;
  return (
    <div className="review-actions">
      {(mayAccept || (mayEdit && !editing)) && (
        <div className="review-row">
          {mayAccept && (
            <button type="button" className="primary" disabled={busy} onClick={() => void act('accept_agenda', { version: r.agenda_version })}>
              {t('review.accept_agenda', { v: r.agenda_version })}
            </button>
          )}
          {mayEdit && !editing && (
            <button type="button" onClick={() => setEditing(true)}>
              {t('review.edit_agenda')}
            </button>
          )}
        </div>
      )}
      {mayEdit && editing && <AgendaEditor r={r} busy={busy} act={act} onClose={() => setEditing(false)} />}
    </div>
  );
}

// Sign the other side's minutes; propose (new) minutes; cancel the round.
function MinutesActions({ r, prepare, busy, act }: { r: Round; prepare: boolean; busy: boolean; act: Act }) {
  const { t } = useTranslation();
  const mayMinutes = prepare && (r.state === 'agenda_agreed' || r.state === 'minutes_proposed');
  const maySign = prepare && r.state === 'minutes_proposed' && r.minutes_by === 'theirs';
  const mayCancel = prepare && r.state !== 'closed' && r.state !== 'cancelled';
  return (
    <div className="review-actions">
      {maySign && (
        <button type="button" className="primary" disabled={busy} onClick={() => void act('accept_minutes', { version: r.minutes_version })}>
          {t('review.sign_minutes', { v: r.minutes_version })}
        </button>
      )}
      {mayMinutes && <MinutesForm r={r} busy={busy} act={act} />}
      {mayCancel && <CancelForm busy={busy} act={act} />}
    </div>
  );
}

function RoundFacts({ r }: { r: Round }) {
  const { t, i18n } = useTranslation();
  const peers = usePeers();
  const lang = i18n.language;
  return (
    <>
      <p>
        <span className="round-state">{codeName(t, 'state', r.state)}</span> · {t('review.with_peer', { peer: r.peer })} ·{' '}
        {r.origin === 'ours' ? t('review.proposed_by_us') : t('review.proposed_by_peer', { peer: r.peer })}
      </p>
      <dl className="review-facts">
        <dt>{t('review.period')}</dt>
        <dd>{t('review.period_words', { from: formatDay(r.plan.period_from, lang), to: formatDay(periodEndDay(r.plan.period_to), lang) })}</dd>
        <dt>{t('review.meeting_at')}</dt>
        <dd>
          <Time at={r.plan.meeting_at} peerZone={peers.find((p) => p.name === r.peer)?.time_zone} />
        </dd>
        <dt>{t('review.place')}</dt>
        <dd>{r.plan.place || t('common.none')}</dd>
      </dl>
      {r.state === 'cancelled' && <p className="notice">{t('review.cancelled_because', { reason: r.cancel_reason })}</p>}
    </>
  );
}

function RoundHistory({ r }: { r: Round }) {
  const { t } = useTranslation();
  return (
    <details className="review-history">
      <summary>{t('review.history')}</summary>
      <ol>
        {r.history.map((h, i) => (
          <li key={i}>
            <Time at={h.at} /> · {h.side === 'ours' ? t('review.side_ours') : t('review.side_theirs', { peer: r.peer })} · {h.actor} ·{' '}
            {codeName(t, 'action', h.action)}
          </li>
        ))}
      </ol>
    </details>
  );
}

export default function RoundPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { can } = useSession();
  const { item: r, error, actionError, busy, act } = useSharedItem<Round>('round', id);
  if (!r)
    return (
      <Page title={t('nav.rounds')}>
        <ErrorNote error={error} />
        {!error && <p className="muted">{t('common.loading')}</p>}
      </Page>
    );
  const prepare = can('prepare_rounds');
  return (
    <Page title={r.title}>
      <div className="round" data-state={r.state}>
        <RoundFacts r={r} />
        <Agenda r={r} />
        <ErrorNote error={actionError} />
        <AgendaActions r={r} prepare={prepare} busy={busy} act={act} />
        <Minutes r={r} mayComplete={prepare} busy={busy} act={act} />
        <MinutesActions r={r} prepare={prepare} busy={busy} act={act} />
        <RoundHistory r={r} />
      </div>
    </Page>
  );
}
