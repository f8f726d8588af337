// /cases/new: open a case shared with a peer (POST /v1/cases): peer, title
// and labels; then to the case's page.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { post } from '../../api/client';
import { useSession } from '../../api/session';
import { usePeers } from '../../app/TopBar';
import { ErrorNote, Page } from '../../ui/Page';
import { LabelsFields } from './LabelsFields';
import type { CaseDoc } from './types';
import { defaultLabels, type Labels } from './vocab';
import './cases.css';

export default function NewCase() {
  const { t } = useTranslation();
  const { can } = useSession();
  const navigate = useNavigate();
  const peers = usePeers();
  const [peer, setPeer] = useState('');
  const [title, setTitle] = useState('');
  const [labels, setLabels] = useState<Labels>(defaultLabels);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const chosenPeer = peer || peers[0]?.name || '';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const c = await post<CaseDoc>('/v1/cases', { peer: chosenPeer, title: title.trim(), labels });
      navigate(`/cases/${c.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (!can('act_cases'))
    return (
      <Page title={t('cases.new_title')}>
        <p className="notice">{t('cases.may_not_open')}</p>
      </Page>
    );
  return (
    <Page title={t('cases.new_title')}>
      <form className="panel case-form" onSubmit={submit}>
        <label>
          {t('cases.peer')}
          <select value={chosenPeer} onChange={(e) => setPeer(e.target.value)} required>
            {peers.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('cases.case_title')}
          <input value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={500} />
        </label>
        <LabelsFields labels={labels} onChange={setLabels} />
        <ErrorNote error={error} />
        <button type="submit" className="primary" disabled={busy || !chosenPeer || !title.trim()}>
          {busy ? t('cases.opening') : t('cases.open_case')}
        </button>
      </form>
    </Page>
  );
}
