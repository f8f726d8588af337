// A moment in the reader's zone; with `peerZone`, the peer's local time beside it.
import { useTranslation } from 'react-i18next';
import { formatTime, formatTimeOnly } from './time';

export function Time({ at, peerZone }: { at: string | null | undefined; peerZone?: string | null }) {
  const { t } = useTranslation();
  if (!at) return <span className="muted">{t('common.none')}</span>;
  return (
    <span className="time">
      <time dateTime={at}>{formatTime(at)}</time>
      {peerZone && (
        <span className="muted peer-time">
          {' '}
          {t('common.peer_local_time', { time: formatTimeOnly(at, peerZone), zone: peerZone })}
        </span>
      )}
    </span>
  );
}
