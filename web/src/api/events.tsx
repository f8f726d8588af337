// The node's live events (GET /v1/events, Server-Sent Events), one stream
// for the whole app while someone is signed in, and one for all the tabs of
// a browser open on the node: a browser keeps at most six HTTP/1.1
// connections to one host, so a stream per tab would stall the seventh tab.
// The tab holding the stream passes every event to the others
// (BroadcastChannel); when it closes, another tab takes over (Web Locks).
//
// The browser's EventSource resends Last-Event-ID by itself when it
// reconnects; the last id seen is also kept in sessionStorage (it is not a
// secret) so that a reload catches up from there with ?after=N. When the
// stream fails, the status says the node is unreachable and the stream is
// reopened (bounded back-off, at most 5 s), resuming after the last id.
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { NodeEvent } from './types';

export type StreamStatus = 'connecting' | 'live' | 'unreachable';

// Every kind the node writes to its event log (docs/http-api.md, "Live events").
export const eventKinds = [
  'alert_received', 'request_received', 'case_received', 'dispute_received', 'round_received',
  'message_received', 'item_changed', 'escalation', 'round_reminder', 'link_up', 'link_down',
  'ledger_inconsistent', 'agreement_proposed', 'agreement_accepted', 'peer_added', 'review_agreed',
  'attachment_received', 'attachment_failed', 'attachment_refused', 'envelope_refused',
  'envelope_content_refused', 'envelope_type_unknown', 'peer_refused', 'peer_behind',
  'receipt_clock_skew', 'item_action_void', 'user_locked', 'translation_added', 'peer_restored',
  'link_resynced', 'key_rotated', 'key_revoked', 'peer_key_rotated', 'key_confirmed', 'peer_rekeyed',
  'key_restart_needed',
] as const;

type Listener = (e: NodeEvent) => void;

interface EventsState {
  status: StreamStatus;
  subscribe: (listener: Listener) => () => void;
  // When the last event arrived (ms since epoch, performance-independent).
  lastEventAt: number | null;
}

const EventsContext = createContext<EventsState | null>(null);
const lastIdKey = 'hotline.lastEventId';
const lockName = 'hotline-event-stream';
const channelName = 'hotline-events';

// What the tabs of one browser tell each other about the shared stream.
type TabMessage =
  | { type: 'event'; event: NodeEvent }
  | { type: 'status'; status: StreamStatus }
  | { type: 'hello' };

export function useEvents(): EventsState {
  const s = useContext(EventsContext);
  if (!s) throw new Error('useEvents outside EventsProvider');
  return s;
}

// Calls `listener` for every event while the component is mounted.
export function useEventListener(listener: Listener, deps: unknown[] = []) {
  const { subscribe } = useEvents();
  const ref = useRef(listener);
  ref.current = listener;
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => subscribe((e) => ref.current(e)), [subscribe, ...deps]);
}

function lastSeenId(): number | null {
  const v = Number(sessionStorage.getItem(lastIdKey));
  return Number.isFinite(v) && v > 0 ? v : null;
}

export function EventsProvider({ enabled, children }: { enabled: boolean; children: ReactNode }) {
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const [lastEventAt, setLastEventAt] = useState<number | null>(null);
  const listeners = useRef(new Set<Listener>());
  const subscribe = useRef((l: Listener) => {
    listeners.current.add(l);
    return () => {
      listeners.current.delete(l);
    };
  }).current;

  useEffect(() => {
    if (!enabled) return;
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let stopped = false;
    let leading = false;
    let currentStatus: StreamStatus = 'connecting';
    const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(channelName) : null;

    const showStatus = (s: StreamStatus) => {
      currentStatus = s;
      setStatus(s);
      if (leading) channel?.postMessage({ type: 'status', status: s } satisfies TabMessage);
    };
    const deliver = (e: NodeEvent) => {
      if (typeof e.id === 'number') sessionStorage.setItem(lastIdKey, String(e.id));
      setLastEventAt(Date.now());
      for (const l of listeners.current) l(e);
    };
    const fromStream = (m: MessageEvent) => {
      let e: NodeEvent;
      try {
        e = JSON.parse(m.data) as NodeEvent;
      } catch {
        return;
      }
      deliver(e);
      channel?.postMessage({ type: 'event', event: e } satisfies TabMessage);
    };

    const open = () => {
      const after = lastSeenId();
      source = new EventSource(after ? `/v1/events?after=${after}` : '/v1/events', { withCredentials: true });
      source.onopen = () => {
        failures = 0;
        showStatus('live');
      };
      source.onerror = () => {
        showStatus('unreachable');
        // EventSource retries by itself while CONNECTING; once CLOSED (an
        // HTTP error, e.g. the node restarting), open a new one.
        if (source?.readyState === EventSource.CLOSED && !stopped) {
          source.close();
          failures += 1;
          retry = setTimeout(open, Math.min(5000, 500 * failures));
        }
      };
      for (const kind of eventKinds) source.addEventListener(kind, fromStream as EventListener);
      source.onmessage = fromStream;
    };

    // The other tabs' stream: events, its state, and a new tab's question.
    if (channel) {
      channel.onmessage = (m: MessageEvent<TabMessage>) => {
        const msg = m.data;
        if (msg.type === 'event' && !leading) deliver(msg.event);
        else if (msg.type === 'status' && !leading) setStatus(msg.status);
        else if (msg.type === 'hello' && leading) channel.postMessage({ type: 'status', status: currentStatus } satisfies TabMessage);
      };
    }

    // One tab of this browser holds the stream (a Web Lock) and shares it
    // with the others; when that tab closes, another takes the lock and
    // resumes after the last event it was given.
    const abort = new AbortController();
    let release: (() => void) | null = null;
    if (channel && navigator.locks) {
      navigator.locks
        .request(lockName, { signal: abort.signal }, () => {
          if (stopped) return undefined;
          leading = true;
          open();
          return new Promise<void>((resolve) => {
            release = resolve;
          });
        })
        .catch(() => undefined);
      channel.postMessage({ type: 'hello' } satisfies TabMessage);
    } else {
      leading = true;
      open();
    }
    return () => {
      stopped = true;
      abort.abort();
      clearTimeout(retry);
      source?.close();
      release?.();
      channel?.close();
    };
  }, [enabled]);

  return <EventsContext.Provider value={{ status, subscribe, lastEventAt }}>{children}</EventsContext.Provider>;
}
