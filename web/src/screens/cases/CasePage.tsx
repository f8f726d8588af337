// /cases/:id: one case with its labels, the shared timeline of entries,
// the private notes (this node only), linked alerts and requests,
// indicators and sightings (../interop/CaseIndicators), files; exports
// (STIX 2.1, IODEF); close and reopen. Only what this person's role may
// do in the case's state is offered; a refused action shows the node's
// sentence and changes nothing. Live: reloads on every event about it.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { get, post } from '../../api/client';
import { useEventListener } from '../../api/events';
import { useSession } from '../../api/session';
import { codeName } from '../../i18n';
import { ErrorNote, Page } from '../../ui/Page';
import { Time } from '../../ui/Time';
import { TlpBadge } from '../../ui/Tlp';
import { LabelsView } from './LabelsFields';
import { NeedToKnow } from './NeedToKnow';
import { LinkedItem, TextActionForm, UploadForm } from './parts';
import { TranslatedText } from './TranslatedText';
import { isOpen, type CaseDoc } from './types';
import { CaseIndicators } from '../interop/CaseIndicators';
import { ExportButtons } from '../interop/Export';
import './cases.css';

type Act = (action: string, args: Record<string, unknown>) => Promise<void>;

// GET /v1/cases/{id}/timeline: each action with its envelope and receipt.
interface Envelope {
  action: string;
  local: boolean;
  void: boolean;
  side: 'ours' | 'theirs';
  received_at: string | null;
  receipt: { state: 'receipted' | 'pending' | 'none'; at: string | null };
}

// The shared actions after the creation, without the void ones, are the
// case's timeline in the same order; a receipt is shown only where the
// action matches.
function receiptsOf(c: CaseDoc, envelopes: Envelope[] | null): (Envelope | null)[] {
  if (!envelopes) return [];
  const shared = envelopes.filter((e) => !e.local && !e.void && e.action !== 'create');
  return c.timeline.map((entry, i) => (shared[i]?.action === entry.action ? shared[i] : null));
}

function Receipt({ e, peer }: { e: Envelope | null; peer: string }) {
  const { t } = useTranslation();
  if (!e) return null;
  if (e.side === 'theirs')
    return e.received_at ? (
      <span className="case-receipt muted">
        {' · '}
        {t('cases.received_here')} <Time at={e.received_at} />
      </span>
    ) : null;
  if (e.receipt.state === 'receipted')
    return (
      <span className="case-receipt case-receipt-ok">
        {' · '}
        {t('cases.receipted', { peer })} <Time at={e.receipt.at} />
      </span>
    );
  if (e.receipt.state === 'pending')
    return (
      <span className="case-receipt case-receipt-pending">
        {' · '}
        {t('cases.not_yet_receipted', { peer })}
      </span>
    );
  return null;
}

function Timeline({
  c,
  envelopes,
  act,
  canEntry,
  reload,
}: {
  c: CaseDoc;
  envelopes: Envelope[] | null;
  act: Act;
  canEntry: boolean;
  reload: () => void;
}) {
  const { t } = useTranslation();
  const receipts = receiptsOf(c, envelopes);
  return (
    <section className="panel" aria-labelledby="case-timeline">
      <h2 id="case-timeline">{t('cases.timeline')}</h2>
      {c.timeline.length === 0 && <p className="muted">{t('cases.timeline_empty')}</p>}
      <ol className="case-timeline">
        {c.timeline.map((e, i) => (
          <li key={i} className={`case-entry case-entry-${e.action} case-side-${e.side}`}>
            <div className="case-entry-head">
              <span className="case-entry-action">{codeName(t, 'action', e.action)}</span>{' '}
              <span className="muted">
                {e.side === 'ours' ? t('cases.by_us', { actor: e.actor }) : t('cases.by_peer', { actor: e.actor, peer: c.peer })}
                {' · '}
                <Time at={e.at} />
              </span>
              <Receipt e={receipts[i] ?? null} peer={c.peer} />
            </div>
            {e.action === 'add_entry' ? (
              <TranslatedText item={c} field={`timeline/${i}/text`} original={e.text} onChanged={reload} />
            ) : (
              e.text && <p className="case-entry-text">{e.text}</p>
            )}
          </li>
        ))}
      </ol>
      {canEntry && isOpen(c.state) && (
        <TextActionForm label={t('cases.entry_text')} submit={t('cases.add_entry')} multiline onSubmit={(text) => act('add_entry', { text })} />
      )}
    </section>
  );
}

function Notes({ c, canNote, onNote }: { c: CaseDoc; canNote: boolean; onNote: (text: string) => Promise<void> }) {
  const { t } = useTranslation();
  return (
    <section className="panel case-notes" aria-labelledby="case-notes">
      <h2 id="case-notes">{t('cases.notes')}</h2>
      <p className="notice case-private">{t('cases.notes_private', { peer: c.peer })}</p>
      {c.notes.length === 0 && <p className="muted">{t('cases.notes_empty')}</p>}
      <ol className="case-note-list">
        {c.notes.map((n, i) => (
          <li key={i} className="case-note">
            <span className="case-private-mark">{t('cases.private_mark')}</span>{' '}
            <span className="muted">
              {n.author} · <Time at={n.at} />
            </span>
            <p className="case-entry-text">{n.text}</p>
          </li>
        ))}
      </ol>
      {canNote && <TextActionForm label={t('cases.note_text')} submit={t('cases.add_note')} multiline onSubmit={onNote} />}
    </section>
  );
}

function LinkForm({ act }: { act: Act }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<'alert' | 'request'>('request');
  const [id, setId] = useState('');
  const [error, setError] = useState<unknown>(null);
  const send = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await act(kind === 'alert' ? 'link_alert' : 'link_request', kind === 'alert' ? { alert_id: id.trim() } : { request_id: id.trim() });
      setId('');
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="case-action-form" onSubmit={send}>
      <label>
        {t('cases.link_kind')}
        <select value={kind} onChange={(e) => setKind(e.target.value as 'alert' | 'request')}>
          <option value="request">{codeName(t, 'item_kind', 'request')}</option>
          <option value="alert">{codeName(t, 'item_kind', 'alert')}</option>
        </select>
      </label>
      <label>
        {t('cases.link_id')}
        <input value={id} onChange={(e) => setId(e.target.value)} required spellCheck={false} />
      </label>
      <button type="submit" className="primary" disabled={!id.trim()}>
        {t('cases.link')}
      </button>
      <ErrorNote error={error} />
    </form>
  );
}

function Links({ c, act, canAct }: { c: CaseDoc; act: Act; canAct: boolean }) {
  const { t } = useTranslation();
  return (
    <section className="panel" aria-labelledby="case-links">
      <h2 id="case-links">{t('cases.linked')}</h2>
      <h3>{t('cases.linked_requests')}</h3>
      {c.request_ids.length === 0 ? (
        <p className="muted">{t('cases.none_linked')}</p>
      ) : (
        <ul className="case-linked-requests">
          {c.request_ids.map((id) => (
            <LinkedItem key={id} kind="request" id={id} />
          ))}
        </ul>
      )}
      <h3>{t('cases.linked_alerts')}</h3>
      {c.alert_ids.length === 0 ? (
        <p className="muted">{t('cases.none_linked')}</p>
      ) : (
        <ul className="case-linked-alerts">
          {c.alert_ids.map((id) => (
            <LinkedItem key={id} kind="alert" id={id} />
          ))}
        </ul>
      )}
      {canAct && isOpen(c.state) && <LinkForm act={act} />}
    </section>
  );
}

function Files({ c, act, canAct }: { c: CaseDoc; act: Act; canAct: boolean }) {
  const { t } = useTranslation();
  return (
    <section className="panel" aria-labelledby="case-files">
      <h2 id="case-files">{t('cases.files')}</h2>
      {c.files.length === 0 ? (
        <p className="muted">{t('cases.files_empty')}</p>
      ) : (
        <ul className="case-file-list">
          {c.files.map((f) => (
            <li key={f.sha256}>
              <a href={`/v1/attachments/${f.sha256}`} download={f.name}>
                {f.name}
              </a>{' '}
              <span className="muted">
                {t('cases.bytes', { count: f.size })}
                {f.actor && ` · ${f.actor}`}
              </span>
            </li>
          ))}
        </ul>
      )}
      {canAct && isOpen(c.state) && (
        <UploadForm onUploaded={(f) => act('add_attachment', { attachments: [{ sha256: f.sha256, name: f.name, size: f.size }] })} />
      )}
    </section>
  );
}

function StateActions({ c, act }: { c: CaseDoc; act: Act }) {
  const { t } = useTranslation();
  if (isOpen(c.state))
    return (
      <TextActionForm
        className="case-close"
        label={t('cases.close_note')}
        submit={t('cases.close')}
        required={false}
        danger
        onSubmit={(note) => act('close', { note })}
      />
    );
  return <TextActionForm className="case-reopen" label={t('cases.reopen_reason')} submit={t('cases.reopen')} onSubmit={(reason) => act('reopen', { reason })} />;
}

export default function CasePage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { can } = useSession();
  const [c, setCase] = useState<CaseDoc | null>(null);
  const [envelopes, setEnvelopes] = useState<Envelope[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  const reload = useCallback(() => {
    get<CaseDoc>(`/v1/cases/${encodeURIComponent(id)}`)
      .then((d) => {
        setCase(d);
        setError(null);
      })
      .catch(setError);
    // An older node has no timeline route: the page goes on without receipts.
    get<{ entries: Envelope[] }>(`/v1/cases/${encodeURIComponent(id)}/timeline`)
      .then((a) => setEnvelopes(a.entries))
      .catch(() => setEnvelopes(null));
  }, [id]);
  useEffect(reload, [reload]);
  // A receipt from the peer raises no event: while one of ours is pending,
  // ask again now and then.
  const waiting = envelopes?.some((e) => e.receipt.state === 'pending') ?? false;
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => {
      get<{ entries: Envelope[] }>(`/v1/cases/${encodeURIComponent(id)}/timeline`)
        .then((a) => setEnvelopes(a.entries))
        .catch(() => undefined);
    }, 3000);
    return () => clearInterval(timer);
  }, [waiting, id]);
  useEventListener((e) => {
    if (c && e.item?.id === c.id) reload();
  });

  const act: Act = async (action, args) => {
    const d = await post<CaseDoc>(`/v1/cases/${encodeURIComponent(id)}/actions`, { action, args });
    setCase(d);
    reload();
  };
  const addNote = async (text: string) => {
    const d = await post<CaseDoc>(`/v1/cases/${encodeURIComponent(id)}/notes`, { text });
    setCase(d);
  };

  if (!c) return <Page title={t('cases.case')}>{error ? <ErrorNote error={error} /> : <p className="muted">{t('common.loading')}</p>}</Page>;
  const canAct = can('act_cases');
  return (
    <Page title={c.title} actions={<ExportButtons kind="case" id={c.id} formats={['stix', 'iodef']} />}>
      <div className="case-head panel">
        <TlpBadge tlp={c.tlp} /> <span className={`case-state case-state-${c.state}`}>{codeName(t, 'state', c.state)}</span>{' '}
        <span className="muted">
          {c.origin === 'theirs' ? t('cases.head_opened_by_peer', { peer: c.peer }) : t('cases.head_opened_by_us', { peer: c.peer })}{' '}
          <Time at={c.created_at} />
          {' · '}
          {t('cases.updated_at')} <Time at={c.updated_at} />
        </span>
        <ErrorNote error={error} />
        {c.labels && <LabelsView labels={c.labels} />}
        {canAct && <StateActions c={c} act={act} />}
      </div>
      <CaseIndicators
        c={c}
        canAct={canAct}
        isOpen={isOpen(c.state)}
        onChanged={(d) => {
          setCase(d);
          reload();
        }}
      />
      <div className="case-grid">
        <div>
          <Timeline c={c} envelopes={envelopes} act={act} canEntry={can('add_case_entries')} reload={reload} />
          <Notes c={c} canNote={canAct} onNote={addNote} />
        </div>
        <div>
          {c.tlp === 'TLP:RED' && <NeedToKnow caseId={c.id} />}
          <Links c={c} act={act} canAct={canAct} />
          <Files c={c} act={act} canAct={canAct} />
        </div>
      </div>
    </Page>
  );
}
