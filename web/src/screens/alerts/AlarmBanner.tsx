// The full-width banner in the alert colour while an incoming alert waits
// for acknowledgement; its button is the first thing the keyboard reaches.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Deadline } from '../../api/types';
import { ErrorNote } from '../../ui/Page';
import { DeadlineBadge } from '../../ui/Deadline';
import { alarmArmed, armAlarm, onAlarmChange } from './alarm';
import { useAlarm } from './AlarmProvider';

function useArmed() {
  const [armed, setArmed] = useState(alarmArmed());
  useEffect(() => onAlarmChange(() => setArmed(alarmArmed())), []);
  return armed;
}

function ackDeadline(deadlines: Deadline[] | undefined): string | undefined {
  return deadlines?.find((d) => d.name === 'acknowledge')?.due_at ?? undefined;
}

export function AlarmBanner() {
  const { t } = useTranslation();
  const { waiting, acknowledge } = useAlarm();
  const armed = useArmed();
  const [error, setError] = useState<unknown>(null);
  const first = waiting[0];
  return (
    <>
      {!armed && (
        <div className="alarm-unarmed" role="status">
          {t('alarm.not_armed')}{' '}
          <button type="button" onClick={armAlarm}>
            {t('alarm.arm')}
          </button>
        </div>
      )}
      {first && (
        <div className="alarm-banner" role="alert" aria-live="assertive">
          <strong>{t('alarm.incoming', { count: waiting.length, peer: first.peer })}</strong>{' '}
          <Link to={`/alerts/${first.id}`}>{first.title}</Link>{' '}
          {ackDeadline(first.deadlines) && <DeadlineBadge start={first.created_at} due={ackDeadline(first.deadlines)!} countdown />}
          <button
            type="button"
            className="ack"
            onClick={() => {
              setError(null);
              acknowledge(first.id).catch(setError);
            }}
          >
            {t('alarm.acknowledge')}
          </button>
          <ErrorNote error={error} />
        </div>
      )}
    </>
  );
}
