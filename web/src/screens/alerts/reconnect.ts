// Calls `refresh` when the event stream comes back after the node could not
// be reached: the stream resumes after the last event seen, but a page that
// had seen none yet starts from now, so what is on screen is read again.
import { useEffect, useRef } from 'react';
import { useEvents } from '../../api/events';

export function useRefreshOnReconnect(refresh: () => void) {
  const { status } = useEvents();
  const was = useRef(status);
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => {
    if (status === 'live' && was.current === 'unreachable') latest.current();
    was.current = status;
  }, [status]);
}
