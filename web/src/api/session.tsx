// Who is signed in, and signing in and out. The session lives in the node's
// HttpOnly cookie; the CSRF token only in memory (client.ts). When a call
// finds the session expired, the sign-in dialog opens over the current page
// (the page and any half-written form stay mounted) and the call is retried.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiError, del, get, post, setCsrfToken, setExpiredHandler } from './client';
import type { Me } from './types';

interface SignInAnswer {
  user: Me;
  csrf_token: string;
  expires_at: string;
}

export interface SessionState {
  me: Me | null;
  // 'checking' until the first GET /v1/session answered.
  status: 'checking' | 'signed_in' | 'signed_out';
  // True while a call waits for the person to sign in again.
  expired: boolean;
  signIn: (name: string, password: string, totp?: string) => Promise<void>;
  signOut: () => Promise<void>;
  can: (permission: string) => boolean;
}

const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [status, setStatus] = useState<SessionState['status']>('checking');
  const [expired, setExpired] = useState(false);
  const waiting = useRef<Array<() => void>>([]);

  useEffect(() => {
    get<Me>('/v1/session', { noReauth: true })
      .then((m) => {
        setCsrfToken(m.csrf_token ?? null);
        setMe(m);
        setStatus('signed_in');
      })
      .catch(() => setStatus('signed_out'));
  }, []);

  useEffect(() => {
    setExpiredHandler(
      () =>
        new Promise<void>((resolve) => {
          waiting.current.push(resolve);
          setExpired(true);
        }),
    );
    return () => setExpiredHandler(null);
  }, []);

  const signIn = useCallback(async (name: string, password: string, totp?: string) => {
    const body: Record<string, string> = { name, password };
    if (totp) body.totp = totp;
    const answer = await post<SignInAnswer>('/v1/session', body, { noReauth: true });
    setCsrfToken(answer.csrf_token);
    setMe(answer.user);
    setStatus('signed_in');
    setExpired(false);
    const resume = waiting.current;
    waiting.current = [];
    for (const r of resume) r();
  }, []);

  const signOut = useCallback(async () => {
    try {
      await del('/v1/session', { noReauth: true });
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
    }
    setCsrfToken(null);
    setMe(null);
    setStatus('signed_out');
  }, []);

  const can = useCallback((p: string) => !!me?.permissions.includes(p), [me]);

  const value = useMemo(
    () => ({ me, status, expired, signIn, signOut, can }),
    [me, status, expired, signIn, signOut, can],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
