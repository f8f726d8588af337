// Disputes: the list with its filters (status, state, direction, peer), and
// opening a dispute about an item or a report's figure (the report page's
// explain links here with ?new=1&peer=&figure=&from=&to=; an item's page
// with ?new=1&item=).
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { get, post, query } from '../../api/client';
import { useEventListener } from '../../api/events';
import { useSession } from '../../api/session';
import { usePeers } from '../../api/peers';
import { codeName } from '../../i18n';
import { Page } from '../../ui/Page';
import { ErrorNote } from './ReviewError';
import { PagedTable, type Column } from '../../ui/PagedTable';
import { Time } from '../../ui/Time';
import { TlpBadge } from '../../ui/Tlp';
import { FilesField, useFiles } from './FilesField';
import { disputeStates, grounds, touches, type Dispute } from './review';
import './review.css';
import { PeerOptions } from '../../ui/PeerOptions';
import { useAction } from '../../ui/useAction';

const tlps = ['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT', 'TLP:RED'];

interface SubjectInput {
  about: 'item' | 'figure';
  item: string;
  figure: string;
  from: string;
  to: string;
}

// What a dispute is about: an item by its id, or a report's figure by its
// pointer and the report's period.
function SubjectFields({ value, onChange }: { value: SubjectInput; onChange: (v: SubjectInput) => void }) {
  const { t } = useTranslation();
  const set = (v: Partial<SubjectInput>) => onChange({ ...value, ...v });
  return (
    <fieldset>
      <legend>{t('review.subject')}</legend>
      <label className="review-check">
        <input type="radio" name="about" checked={value.about === 'item'} onChange={() => set({ about: 'item' })} /> {t('review.subject_item')}
      </label>
      <label className="review-check">
        <input type="radio" name="about" checked={value.about === 'figure'} onChange={() => set({ about: 'figure' })} /> {t('review.subject_figure')}
      </label>
      {value.about === 'item' ? (
        <label>
          {t('review.item_id')}
          <input value={value.item} onChange={(e) => set({ item: e.target.value })} required minLength={8} />
        </label>
      ) : (
        <>
          <label>
            {t('review.figure_pointer')}
            <input value={value.figure} onChange={(e) => set({ figure: e.target.value })} required pattern="/.*" />
          </label>
          <label>
            {t('review.period_from')}
            <input value={value.from} onChange={(e) => set({ from: e.target.value })} required />
          </label>
          <label>
            {t('review.period_to')}
            <input value={value.to} onChange={(e) => set({ to: e.target.value })} required />
          </label>
        </>
      )}
    </fieldset>
  );
}

function OpenDispute({ onOpened, onCancel }: { onOpened: (id: string) => void; onCancel: () => void }) {
  const { t, i18n } = useTranslation();
  const [params] = useSearchParams();
  const peers = usePeers();
  const [peer, setPeer] = useState(params.get('peer') ?? '');
  const [subject, setSubject] = useState<SubjectInput>(() => ({
    about: params.get('figure') ? 'figure' : 'item',
    item: params.get('item') ?? '',
    figure: params.get('figure') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
  }));
  const [title, setTitle] = useState('');
  const [ground, setGround] = useState<string>('timeliness');
  const [tlp, setTlp] = useState('TLP:AMBER');
  const [text, setText] = useState('');
  const [lang, setLang] = useState(i18n.language === 'zh-CN' ? 'zh-CN' : 'en');
  const { busy, error, run } = useAction();
  const files = useFiles();
  const chosenPeer = peer || peers[0]?.name || '';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const about =
        subject.about === 'item'
          ? { item: subject.item.trim() }
          : { figure: subject.figure.trim(), period_from: subject.from.trim(), period_to: subject.to.trim() };
      const attachments = await files.uploadAll();
      const d = await post<Dispute>('/v1/disputes', { peer: chosenPeer, title, ground, subject: about, text, lang, labels: { tlp }, attachments });
      onOpened(d.id);
    });
  };

  return (
    <form className="panel review-form" onSubmit={submit} aria-labelledby="open-dispute">
      <h2 id="open-dispute">{t('review.open_dispute')}</h2>
      <label>
        {t('review.peer')}
        <select value={chosenPeer} onChange={(e) => setPeer(e.target.value)} required>
          <PeerOptions peers={peers} />
        </select>
      </label>
      <SubjectFields value={subject} onChange={setSubject} />
      <label>
        {t('review.dispute_title')}
        <input value={title} onChange={(e) => setTitle(e.target.value)} required />
      </label>
      <label>
        {t('review.ground')}
        <select value={ground} onChange={(e) => setGround(e.target.value)}>
          {grounds.map((g) => (
            <option key={g} value={g}>
              {codeName(t, 'ground', g)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('review.tlp')}
        <select value={tlp} onChange={(e) => setTlp(e.target.value)}>
          {tlps.map((x) => (
            <option key={x} value={x}>
              {x}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('review.our_position')}
        <textarea value={text} onChange={(e) => setText(e.target.value)} required />
      </label>
      <LangSelect value={lang} onChange={setLang} />
      <FilesField state={files} />
      <ErrorNote error={error} />
      <div className="review-row">
        <button type="submit" className="primary" disabled={busy || !chosenPeer}>
          {t('review.open_dispute_send')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('review.cancel_form')}
        </button>
      </div>
    </form>
  );
}

export function LangSelect({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const { t } = useTranslation();
  return (
    <label>
      {t('review.text_lang')}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="en">{t('review.lang_en')}</option>
        <option value="zh-CN">{t('review.lang_zh')}</option>
      </select>
    </label>
  );
}

interface Filters {
  status: string;
  state: string;
  direction: string;
  peer: string;
  q: string;
}

function DisputeFilters({ value, onChange }: { value: Filters; onChange: (f: Filters) => void }) {
  const { t } = useTranslation();
  const peers = usePeers();
  const { status, state, direction, peer } = value;
  const set = (f: Partial<Filters>) => onChange({ ...value, ...f });
  // The title search waits for a pause in typing.
  const [text, setText] = useState(value.q);
  useEffect(() => {
    const id = setTimeout(() => {
      if (text.trim() !== value.q) onChange({ ...value, q: text.trim() });
    }, 300);
    return () => clearTimeout(id);
  }, [text, value, onChange]);
  return (
    <div className="filters" role="search" aria-label={t('review.filters')}>
      <label>
        {t('review.search_title')}
        <input type="search" value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      <label>
        {t('review.status')}
        <select value={status} onChange={(e) => set({ status: e.target.value })} disabled={!!state}>
          <option value="open">{t('review.status_open')}</option>
          <option value="closed">{t('review.status_closed')}</option>
          <option value="all">{t('review.status_all')}</option>
        </select>
      </label>
      <label>
        {t('review.state')}
        <select value={state} onChange={(e) => set({ state: e.target.value })}>
          <option value="">{t('review.any')}</option>
          {disputeStates.map((s) => (
            <option key={s} value={s}>
              {codeName(t, 'state', s)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('review.direction_filter')}
        <select value={direction} onChange={(e) => set({ direction: e.target.value })}>
          <option value="">{t('review.any')}</option>
          <option value="incoming">{t('review.incoming')}</option>
          <option value="outgoing">{t('review.outgoing')}</option>
        </select>
      </label>
      <label>
        {t('review.peer')}
        <select value={peer} onChange={(e) => set({ peer: e.target.value })}>
          <option value="">{t('review.any')}</option>
          <PeerOptions peers={peers} />
        </select>
      </label>
    </div>
  );
}

export default function DisputeList() {
  const { t } = useTranslation();
  const { can } = useSession();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [filters, setFilters] = useState<Filters>({ status: 'open', state: '', direction: '', peer: '', q: '' });
  const { status, state, direction, peer, q } = filters;
  const [tick, setTick] = useState(0);
  const opening = params.get('new') === '1';

  useEventListener((e) => {
    if (touches('dispute', e)) setTick((n) => n + 1);
  });

  const fetchPage = useCallback(
    async (offset: number, limit: number) => {
      const a = await get<{ items: Dispute[]; total?: number }>(
        `/v1/disputes${query({ offset, limit, status: state ? 'all' : status, state, direction, peer, q })}`,
      );
      if (a.total !== undefined) return { rows: a.items, total: a.total };
      // A node without paged lists answers them all, unfiltered by state.
      const all = a.items.filter((d) => (!state || d.state === state) && (!q || d.title.toLowerCase().includes(q.toLowerCase())));
      return { rows: all.slice(offset, offset + limit), total: all.length };
    },
    [status, state, direction, peer, q],
  );

  const columns: Column<Dispute>[] = useMemo(
    () => [
      { key: 'title', header: t('review.dispute_title'), width: 'minmax(12rem, 2fr)', cell: (d) => <Link to={`/review/disputes/${d.id}`}>{d.title}</Link> },
      { key: 'state', header: t('review.state'), width: '10rem', cell: (d) => <span className="dispute-state">{codeName(t, 'state', d.state)}</span> },
      { key: 'ground', header: t('review.ground'), width: '8rem', cell: (d) => codeName(t, 'ground', d.ground) },
      { key: 'peer', header: t('review.peer'), width: '7rem', cell: (d) => d.peer },
      { key: 'origin', header: t('review.opened_by'), width: '7rem', cell: (d) => (d.origin === 'ours' ? t('review.by_us') : t('review.by_peer')) },
      { key: 'tlp', header: t('review.tlp'), width: '9rem', cell: (d) => <TlpBadge tlp={d.tlp} /> },
      { key: 'updated', header: t('review.updated'), width: '11rem', cell: (d) => <Time at={d.updated_at} /> },
    ],
    [t],
  );

  const actions = can('act_disputes') && !opening && (
    <button type="button" className="primary" onClick={() => setParams({ new: '1' })}>
      {t('review.open_dispute')}
    </button>
  );

  return (
    <Page title={t('nav.disputes')} actions={actions}>
      {opening && can('act_disputes') && (
        <OpenDispute onOpened={(id) => navigate(`/review/disputes/${id}`)} onCancel={() => setParams({})} />
      )}
      <DisputeFilters value={filters} onChange={setFilters} />
      <PagedTable
        label={t('nav.disputes')}
        columns={columns}
        fetchPage={fetchPage}
        reloadKey={`${status}|${state}|${direction}|${peer}|${q}|${tick}`}
        rowKey={(d) => d.id}
        onOpen={(d) => navigate(`/review/disputes/${d.id}`)}
        height="60vh"
      />
    </Page>
  );
}
