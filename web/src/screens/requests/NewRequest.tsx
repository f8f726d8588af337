// Write a request to a peer: to, kind, priority, labels (TLP, PAP), subject,
// details and attachments (each uploaded at once with its progress bar).
// After sending, the request's page; under four-eyes it waits there as a
// draft for a supervisor's approval.
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { post } from '../../api/client';
import { useSession } from '../../api/session';
import type { Item } from '../../api/types';
import { usePeers } from '../../app/TopBar';
import { codeName } from '../../i18n';
import { ErrorNote, Page } from '../../ui/Page';
import { TlpBadge } from '../../ui/Tlp';
import { AttachmentPicker, useAttachments } from './Attachments';
import { papLevels, priorities, requestKinds, tlpLevels } from './model';
import './requests.css';

// What the chosen labels mean (TLP 2.0, PAP), in the reader's language.
function LabelMeaning({ codes }: { codes: string[] }) {
  const { t } = useTranslation();
  const named = codes
    .map((c) => ({ c, name: codeName(t, c.startsWith('TLP:') ? 'tlp' : 'pap', c) }))
    .filter((x) => x.name !== x.c);
  if (named.length === 0) return null;
  return (
    <ul className="hint rq-label-meaning" aria-live="polite">
      {named.map((x) => (
        <li key={x.c}>
          <strong>{x.c}</strong> {x.name}
        </li>
      ))}
    </ul>
  );
}

export default function NewRequest() {
  const { t } = useTranslation();
  const { can } = useSession();
  const navigate = useNavigate();
  const peers = usePeers();
  const id = useId();
  const [to, setTo] = useState('');
  const [kind, setKind] = useState<string>('information');
  const [priority, setPriority] = useState<string>('normal');
  const [tlp, setTlp] = useState<string>('TLP:AMBER');
  const [pap, setPap] = useState<string>('PAP:AMBER');
  const [subject, setSubject] = useState('');
  const [details, setDetails] = useState('');
  const files = useAttachments();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const peer = to || peers[0]?.name || '';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const item = await post<Item>('/v1/requests', {
        to: peer,
        kind,
        priority,
        labels: { tlp, pap },
        subject,
        details,
        attachments: files.notes.map((f) => ({ sha256: f.sha256, name: f.name, size: f.size })),
      });
      navigate(`/requests/${encodeURIComponent(item.id)}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  if (!can('act_requests')) {
    return (
      <Page title={t('requests.new_title')}>
        <p className="notice">{t('requests.may_not_write')}</p>
      </Page>
    );
  }

  return (
    <Page title={t('requests.new_title')}>
      <form className="panel rq-form" onSubmit={(e) => void submit(e)}>
        <div className="rq-form-row">
          <label htmlFor={`${id}-to`}>
            {t('requests.to')}
            <select id={`${id}-to`} value={peer} required onChange={(e) => setTo(e.target.value)}>
              {peers.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <label htmlFor={`${id}-kind`}>
            {t('requests.kind')}
            <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value)}>
              {requestKinds.map((k) => (
                <option key={k} value={k}>
                  {codeName(t, 'request_kind', k)}
                </option>
              ))}
            </select>
          </label>
          <label htmlFor={`${id}-priority`}>
            {t('requests.priority')}
            <select id={`${id}-priority`} value={priority} onChange={(e) => setPriority(e.target.value)}>
              {priorities.map((p) => (
                <option key={p} value={p}>
                  {codeName(t, 'priority', p)}
                </option>
              ))}
            </select>
          </label>
          <label htmlFor={`${id}-tlp`}>
            {t('requests.tlp')}
            <select id={`${id}-tlp`} value={tlp} onChange={(e) => setTlp(e.target.value)}>
              {tlpLevels.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </select>
          </label>
          <span className="rq-tlp-preview" aria-hidden="true">
            <TlpBadge tlp={tlp} />
          </span>
          <label htmlFor={`${id}-pap`}>
            {t('requests.pap')}
            <select id={`${id}-pap`} value={pap} onChange={(e) => setPap(e.target.value)}>
              {papLevels.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </select>
          </label>
        </div>
        <LabelMeaning codes={[tlp, pap]} />
        <label htmlFor={`${id}-subject`}>
          {t('requests.subject')}
          <input id={`${id}-subject`} value={subject} required maxLength={1000} onChange={(e) => setSubject(e.target.value)} />
        </label>
        <label htmlFor={`${id}-details`}>
          {t('requests.details')}
          <textarea id={`${id}-details`} rows={8} value={details} onChange={(e) => setDetails(e.target.value)} />
        </label>
        <AttachmentPicker files={files} />
        <p className="hint">{t('requests.four_eyes_hint')}</p>
        <div className="rq-buttons">
          <button type="submit" className="primary" disabled={busy || files.busy || !subject.trim() || !peer}>
            {t('requests.send')}
          </button>
        </div>
        <ErrorNote error={error} />
      </form>
    </Page>
  );
}
