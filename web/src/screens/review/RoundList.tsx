// Review rounds: the open ones (or closed, or all), and proposing a round
// to a peer: the period, the meeting's time and place, the participants of
// both sides and our agenda points (the node adds the points it finds in
// the records before them).
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { get, post, query } from '../../api/client';
import { useEventListener } from '../../api/events';
import { useSession } from '../../api/session';
import { usePeers } from '../../api/peers';
import { codeName } from '../../i18n';
import { Page } from '../../ui/Page';
import { ErrorNote } from './ReviewError';
import { Time } from '../../ui/Time';
import { dayStart, formatDay, isoDay, periodEndDay, touches, type Participant, type Round } from './review';
import './review.css';
import { PeerOptions } from '../../ui/PeerOptions';
import { useAction } from '../../ui/useAction';

// A list of participants, each with a name, a role and a side.
export function ParticipantsEditor({ value, onChange, sides }: { value: Participant[]; onChange: (v: Participant[]) => void; sides: [string, string] }) {
  const { t } = useTranslation();
  const set = (i: number, p: Partial<Participant>) => onChange(value.map((x, j) => (j === i ? { ...x, ...p } : x)));
  return (
    <fieldset>
      <legend>{t('review.participants')}</legend>
      {value.map((p, i) => (
        <div className="review-row" key={i}>
          <label>
            {t('review.participant_name')}
            <input value={p.name} onChange={(e) => set(i, { name: e.target.value })} required />
          </label>
          <label>
            {t('review.participant_role')}
            <input value={p.role} onChange={(e) => set(i, { role: e.target.value })} />
          </label>
          <label>
            {t('review.participant_side')}
            <select value={p.party} onChange={(e) => set(i, { party: e.target.value })}>
              <option value={sides[0]}>{t('review.side_ours')}</option>
              <option value={sides[1]}>{t('review.side_peer')}</option>
            </select>
          </label>
          <button type="button" onClick={() => onChange(value.filter((_, j) => j !== i))} aria-label={t('review.remove_participant', { n: i + 1 })}>
            {t('review.remove')}
          </button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...value, { name: '', role: '', party: sides[0] }])}>
        {t('review.add_participant')}
      </button>
    </fieldset>
  );
}

// Local "2026-11-20T09:00" of a datetime-local input as UTC.
export function localToIso(v: string): string {
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? v : d.toISOString();
}
export function isoToLocal(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

function ProposeRound({ onDone, onCancel }: { onDone: (id: string) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const peers = usePeers();
  const [peer, setPeer] = useState('');
  const [title, setTitle] = useState('');
  const [from, setFrom] = useState(() => isoDay(new Date(Date.now() - 90 * 86400000)));
  const [to, setTo] = useState(() => isoDay(new Date()));
  const [meeting, setMeeting] = useState(() => isoToLocal(new Date(Date.now() + 7 * 86400000).toISOString()).slice(0, 11) + '09:00');
  const [place, setPlace] = useState('');
  const [participants, setParticipants] = useState<Participant[]>([]);
  const [agenda, setAgenda] = useState('');
  const { busy, error, run } = useAction();
  const chosen = peer || peers[0]?.name || '';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const r = await post<Round>('/v1/rounds', {
        peer: chosen,
        title,
        period_from: dayStart(from),
        period_to: dayStart(to),
        meeting_at: localToIso(meeting),
        place,
        participants,
        agenda: agenda.split('\n').map((s) => s.trim()).filter(Boolean),
      });
      onDone(r.id);
    });
  };

  return (
    <form className="panel review-form" onSubmit={submit} aria-labelledby="propose-round">
      <h2 id="propose-round">{t('review.propose_round')}</h2>
      <label>
        {t('review.peer')}
        <select value={chosen} onChange={(e) => setPeer(e.target.value)} required>
          <PeerOptions peers={peers} />
        </select>
      </label>
      <label>
        {t('review.round_title')}
        <input value={title} onChange={(e) => setTitle(e.target.value)} required />
      </label>
      <div className="review-row">
        <label>
          {t('review.from')}
          <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} required />
        </label>
        <label>
          {t('review.to_excluded')}
          <input type="date" value={to} onChange={(e) => setTo(e.target.value)} required />
        </label>
      </div>
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
      <ParticipantsEditor value={participants} onChange={setParticipants} sides={['ours', 'theirs']} />
      <label>
        {t('review.agenda_points')}
        <textarea value={agenda} onChange={(e) => setAgenda(e.target.value)} />
      </label>
      <p className="hint">{t('review.agenda_hint')}</p>
      <ErrorNote error={error} />
      <div className="review-row">
        <button type="submit" className="primary" disabled={busy || !chosen}>
          {t('review.propose_round_send')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('review.cancel_form')}
        </button>
      </div>
    </form>
  );
}

export default function RoundList() {
  const { t, i18n } = useTranslation();
  const { can } = useSession();
  const navigate = useNavigate();
  const [status, setStatus] = useState('open');
  const [rounds, setRounds] = useState<Round[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [proposing, setProposing] = useState(false);

  const load = useCallback(() => {
    get<{ items: Round[] }>(`/v1/rounds${query({ status, limit: 500 })}`)
      .then((a) => {
        setRounds(a.items);
        setError(null);
      })
      .catch(setError);
  }, [status]);
  useEffect(load, [load]);
  useEventListener((e) => {
    if (touches('round', e)) load();
  });

  const actions = can('prepare_rounds') && !proposing && (
    <button type="button" className="primary" onClick={() => setProposing(true)}>
      {t('review.propose_round')}
    </button>
  );

  return (
    <Page title={t('nav.rounds')} actions={actions}>
      {proposing && <ProposeRound onDone={(id) => navigate(`/review/rounds/${id}`)} onCancel={() => setProposing(false)} />}
      <div className="filters">
        <label>
          {t('review.status')}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="open">{t('review.status_open')}</option>
            <option value="closed">{t('review.status_closed')}</option>
            <option value="all">{t('review.status_all')}</option>
          </select>
        </label>
      </div>
      <ErrorNote error={error} />
      {rounds && rounds.length === 0 && <p className="muted">{t('common.list_empty')}</p>}
      {rounds && rounds.length > 0 && (
        <table className="round-list">
          <thead>
            <tr>
              <th scope="col">{t('review.round_title')}</th>
              <th scope="col">{t('review.state')}</th>
              <th scope="col">{t('review.peer')}</th>
              <th scope="col">{t('review.period')}</th>
              <th scope="col">{t('review.meeting_at')}</th>
              <th scope="col">{t('review.action_items')}</th>
            </tr>
          </thead>
          <tbody>
            {rounds.map((r) => (
              <tr key={r.id} data-round={r.id}>
                <td>
                  <Link to={`/review/rounds/${r.id}`}>{r.title}</Link>
                </td>
                <td className="round-state">{codeName(t, 'state', r.state)}</td>
                <td>{r.peer}</td>
                <td>
                  {t('review.period_words', {
                    from: formatDay(r.plan.period_from, i18n.language),
                    to: formatDay(periodEndDay(r.plan.period_to), i18n.language),
                  })}
                </td>
                <td>
                  <Time at={r.plan.meeting_at} />
                </td>
                <td>
                  {r.action_items.length > 0 &&
                    t('review.items_open', { open: r.action_items.filter((a) => !a.done).length, total: r.action_items.length })}
                  {(r.action_items_overdue ?? 0) > 0 && (
                    <span className="review-overdue-word"> {t('review.items_overdue', { count: r.action_items_overdue ?? 0 })}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}
