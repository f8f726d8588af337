// The full-width banner in the alert colour while an incoming alert waits
// for acknowledgement. Keyboard: Alt+A (shown on the banner) moves the focus
// to its Acknowledge button from anywhere; when an alert arrives and nothing
// else has the focus, the button takes it. The focus never jumps out of a
// field someone is typing in.
//
// `data-alarm="sounding"` is on the banner while the tone rings (the
// AudioContext runs), `data-alarm="silent"` otherwise, and `data-tone="here"`
// in the one tab of the browser that plays the tone: tests read them.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useSession } from '../../api/session';
import { ErrorNote } from '../../ui/Page';
import { DeadlineBadge } from '../../ui/Deadline';
import { alarmArmed, alarmPlaysHere, alarmSounding, armAlarm, onAlarmChange } from './alarm';
import { useAlarm } from './AlarmProvider';
import { ackDeadline } from './alerts';
import { CodeName } from './CodeName';
import './alerts.css';

function useAlarmState() {
  const [state, setState] = useState({ armed: alarmArmed(), sounding: alarmSounding(), here: alarmPlaysHere() });
  useEffect(() => onAlarmChange(() => setState({ armed: alarmArmed(), sounding: alarmSounding(), here: alarmPlaysHere() })), []);
  return state;
}

function nothingFocused() {
  const a = document.activeElement;
  return !a || a === document.body || a.id === 'main';
}

// Alt+A: the Acknowledge button takes the focus.
function useAckShortcut(button: React.RefObject<HTMLButtonElement | null>, active: boolean) {
  useEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey && !e.ctrlKey && !e.metaKey && e.code === 'KeyA' && button.current) {
        e.preventDefault();
        button.current.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [button, active]);
}

export function AlarmBanner() {
  const { t } = useTranslation();
  const { can } = useSession();
  const { waiting, acknowledge } = useAlarm();
  const { armed, sounding, here } = useAlarmState();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const first = waiting[0];
  const mayAck = can('act_alerts');
  useAckShortcut(button, !!first && mayAck);

  // A new alert at the top: its button takes the focus if nothing has it.
  const firstId = first?.id;
  useEffect(() => {
    if (firstId && nothingFocused()) button.current?.focus();
    setError(null);
  }, [firstId]);

  const ack = () => {
    if (!first) return;
    setError(null);
    setBusy(true);
    acknowledge(first.id)
      .catch(setError)
      .finally(() => setBusy(false));
  };
  const due = first ? ackDeadline(first)?.due_at : undefined;
  return (
    <>
      {mayAck && !armed && (
        <div className="alarm-unarmed" role="status">
          {t('alarm.not_armed')}{' '}
          <button type="button" onClick={armAlarm}>
            {t('alarm.arm')}
          </button>
        </div>
      )}
      {first && (
        <div className="alarm-banner" role="alert" data-alarm={sounding ? 'sounding' : 'silent'} data-tone={here ? 'here' : 'elsewhere'} data-alert-id={first.id}>
          <strong>{t('alarm.incoming', { count: waiting.length, peer: first.peer })}</strong>{' '}
          <span className="alarm-priority">
            <CodeName group="priority" code={first.priority ?? 'urgent'} />
          </span>{' '}
          <Link to={`/alerts/${first.id}`}>{first.title}</Link> {due && <DeadlineBadge start={first.created_at} due={due} countdown />}
          {mayAck && (
            <>
              <button type="button" className="ack" ref={button} onClick={ack} disabled={busy} aria-keyshortcuts="Alt+A">
                {t('alarm.acknowledge')}
              </button>
              <kbd className="alarm-key">{t('alarm.shortcut')}</kbd>
            </>
          )}
          <ErrorNote error={error} />
        </div>
      )}
    </>
  );
}
