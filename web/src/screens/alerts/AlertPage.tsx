// One alert (/alerts/:id): what it says, its labels, files and deadlines
// (the peer's local time beside), its history and the timeline of every
// envelope, and the actions this person may take in its state. Kept live:
// a change of this alert (item_changed) reloads it without a reload of the
// page.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { ApiError, get } from '../../api/client';
import { useEventListener } from '../../api/events';
import { useSession } from '../../api/session';
import { usePeerZones } from './peers';
import { ErrorNote, Page } from '../../ui/Page';
import { ExportButtons } from '../interop/Export';
import { useAlarm } from './AlarmProvider';
import { AlertDetails } from './AlertDetails';
import { AlertTimeline, type TimelineEntry } from './AlertTimeline';
import { alertPath, allowedActions, fetchAlert, zoneOf, type Alert } from './alerts';
import { CloseDialog } from './CloseDialog';
import { NeedToKnow } from './NeedToKnow';
import { useRefreshOnReconnect } from './reconnect';
import './alerts.css';

function useAlert(id: string) {
  const [alert, setAlert] = useState<Alert | null>(null);
  const [timeline, setTimeline] = useState<TimelineEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    fetchAlert(id)
      .then((a) => {
        setAlert(a);
        setError(null);
      })
      .catch(setError);
    // The timeline is an addition of newer nodes: without it, none is shown.
    get<{ entries: TimelineEntry[] }>(`${alertPath(id)}/timeline`)
      .then((tl) => setTimeline(tl.entries))
      .catch((e: unknown) => {
        if (e instanceof ApiError && (e.status === 404 || e.status === 405)) setTimeline(null);
      });
  }, [id]);
  useEffect(load, [load]);
  return { alert, setAlert, timeline, error, load };
}

function Actions({ alert, onChanged }: { alert: Alert; onChanged: (a?: Alert) => void }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const { acknowledge } = useAlarm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [closing, setClosing] = useState(false);
  const actions = allowedActions(alert, can);
  if (actions.length === 0) return null;
  const ack = () => {
    setBusy(true);
    setError(null);
    acknowledge(alert.id)
      .then(() => onChanged(), setError)
      .finally(() => setBusy(false));
  };
  return (
    <section className="panel alert-section" aria-labelledby="alert-actions-title">
      <h2 id="alert-actions-title">{t('alerts.actions')}</h2>
      <div className="alert-actions">
        {actions.includes('acknowledge') && (
          <button type="button" className="primary page-ack" onClick={ack} disabled={busy}>
            {t('alerts.acknowledge')}
          </button>
        )}
        {actions.includes('close') && (
          <button type="button" className="page-close" onClick={() => setClosing(true)}>
            {t('alerts.close')}
          </button>
        )}
      </div>
      <ErrorNote error={error} />
      {closing && (
        <CloseDialog
          alert={alert}
          onCancel={() => setClosing(false)}
          onDone={(a) => {
            setClosing(false);
            onChanged(a);
          }}
        />
      )}
    </section>
  );
}

export default function AlertPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { alert, setAlert, timeline, error, load } = useAlert(id);
  const peers = usePeerZones();
  useRefreshOnReconnect(load);

  useEventListener((e) => {
    if (!alert || e.item?.id !== alert.id) return;
    if (e.kind === 'item_changed' || e.kind === 'escalation' || e.kind === 'item_action_void' || e.kind === 'translation_added') load();
  });

  if (!alert) {
    return (
      <Page title={t('alerts.alert')}>
        {error ? <ErrorNote error={error} /> : <p className="muted">{t('common.loading')}</p>}
      </Page>
    );
  }
  const changed = (a?: Alert) => {
    if (a) setAlert(a);
    load();
  };
  return (
    <Page title={alert.title || t('alerts.alert')} actions={<ExportButtons kind="alert" id={alert.id} formats={['iodef']} />}>
      <ErrorNote error={error} />
      <Actions alert={alert} onChanged={changed} />
      <AlertDetails alert={alert} peerZone={zoneOf(peers, alert.peer)} onChanged={load} />
      <NeedToKnow alert={alert} />
      {timeline && <AlertTimeline entries={timeline} />}
    </Page>
  );
}
