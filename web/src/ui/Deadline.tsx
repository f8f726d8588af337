// A deadline's state by colour and by word (never colour alone): on time,
// due soon (the last fifth of the time), overdue; or met / met late.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Time } from './Time';
import { formatDuration } from './time';

export type DeadlineTone = 'on_time' | 'due_soon' | 'overdue' | 'met' | 'met_late';

export function deadlineTone(startIso: string | undefined, dueIso: string, metIso: string | null | undefined, now: number): DeadlineTone {
  const due = Date.parse(dueIso);
  if (metIso) return Date.parse(metIso) <= due ? 'met' : 'met_late';
  if (now > due) return 'overdue';
  const start = startIso ? Date.parse(startIso) : NaN;
  if (Number.isFinite(start) && due > start && (due - now) <= (due - start) / 5) return 'due_soon';
  return 'on_time';
}

export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

export function DeadlineBadge({
  start,
  due,
  met,
  peerZone,
  countdown,
}: {
  start?: string;
  due: string;
  met?: string | null;
  peerZone?: string | null;
  countdown?: boolean;
}) {
  const { t } = useTranslation();
  const now = useNow(countdown ? 1000 : 30000);
  const tone = deadlineTone(start, due, met, now);
  const left = Date.parse(due) - now;
  return (
    <span className={`deadline deadline-${tone}`}>
      <span className="deadline-word">{t(`common.deadline_${tone}`)}</span>{' '}
      {countdown && !met && (
        <span className="countdown" role="timer">
          {left >= 0 ? t('common.due_in', { d: formatDuration(left) }) : t('common.overdue_by', { d: formatDuration(left) })}
        </span>
      )}{' '}
      <Time at={due} peerZone={peerZone} />
    </span>
  );
}
