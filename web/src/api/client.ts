// The one way the app talks to the node's JSON API (docs/http-api.md).
//
// - Same origin only; the session cookie travels by itself, and every change
//   carries the session's CSRF token (kept in memory only, never in storage).
// - Every error becomes an ApiError with the API's stable code and sentence.
// - When the session has expired (401), the registered handler asks the person
//   to sign in again over the page they are on (their half-written form stays),
//   then the request is sent once more.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

type ExpiredHandler = () => Promise<void>;
let onExpired: ExpiredHandler | null = null;
// Registered by the session provider: shows the sign-in dialog and resolves
// once the person is signed in again.
export function setExpiredHandler(handler: ExpiredHandler | null) {
  onExpired = handler;
}

const unreachable = 'unreachable';

async function errorOf(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = res.statusText;
  try {
    const body = await res.json();
    if (body?.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
    }
  } catch {
    /* not JSON: keep the status line */
  }
  const retry = Number(res.headers.get('Retry-After'));
  return new ApiError(res.status, code, message, Number.isFinite(retry) && retry > 0 ? retry : undefined);
}

function isChange(method: string) {
  return method !== 'GET' && method !== 'HEAD';
}

function expiredSession(e: ApiError) {
  return e.status === 401 && (e.code === 'unauthenticated' || e.code === 'auth_session_expired');
}

export interface CallOptions {
  // Sign-in and the first session check handle 401 themselves.
  noReauth?: boolean;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

async function send(method: string, path: string, body: BodyInit | undefined, json: boolean, opts: CallOptions) {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (json && body !== undefined) headers['Content-Type'] = 'application/json';
  if (isChange(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  try {
    return await fetch(path, { method, body, headers, credentials: 'same-origin', signal: opts.signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, unreachable, 'The node cannot be reached.');
  }
}

export async function call<T>(method: string, path: string, body?: unknown, opts: CallOptions = {}): Promise<T> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  let res = await send(method, path, payload, true, opts);
  if (!res.ok) {
    let err = await errorOf(res);
    if (expiredSession(err) && !opts.noReauth && onExpired) {
      await onExpired();
      res = await send(method, path, payload, true, opts);
      if (!res.ok) err = await errorOf(res);
    }
    if (!res.ok) throw err;
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

// GET of a file the node makes (an export): its bytes as a Blob, with the
// same errors and the same sign-in-again as `call`.
export async function getBlob(path: string, accept: string, opts: CallOptions = {}): Promise<Blob> {
  const o = { ...opts, headers: { ...opts.headers, Accept: accept } };
  let res = await send('GET', path, undefined, false, o);
  if (!res.ok) {
    let err = await errorOf(res);
    if (expiredSession(err) && !opts.noReauth && onExpired) {
      await onExpired();
      res = await send('GET', path, undefined, false, o);
      if (!res.ok) err = await errorOf(res);
    }
    if (!res.ok) throw err;
  }
  return res.blob();
}

export const get = <T>(path: string, opts?: CallOptions) => call<T>('GET', path, undefined, opts);
export const post = <T>(path: string, body?: unknown, opts?: CallOptions) => call<T>('POST', path, body ?? {}, opts);
export const put = <T>(path: string, body?: unknown, opts?: CallOptions) => call<T>('PUT', path, body ?? {}, opts);
export const patch = <T>(path: string, body?: unknown, opts?: CallOptions) => call<T>('PATCH', path, body ?? {}, opts);
export const del = <T>(path: string, opts?: CallOptions) => call<T>('DELETE', path, undefined, opts);

// Builds a query string from the defined, non-empty values.
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export interface Uploaded {
  sha256: string;
  size: number;
  name: string;
}

// Uploads one file to the vault (POST /v1/attachments?name=FILE) with its
// progress (0..1); XMLHttpRequest, since fetch cannot report upload progress.
export function upload(file: File, onProgress: (fraction: number) => void, retried = false): Promise<Uploaded> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/v1/attachments${query({ name: file.name })}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, unreachable, 'The node cannot be reached.'));
    xhr.onload = async () => {
      const res = new Response(xhr.responseText, {
        status: xhr.status,
        headers: { 'Retry-After': xhr.getResponseHeader('Retry-After') ?? '' },
      });
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(JSON.parse(xhr.responseText) as Uploaded);
        return;
      }
      const err = await errorOf(res);
      if (expiredSession(err) && !retried && onExpired) {
        try {
          await onExpired();
          resolve(await upload(file, onProgress, true));
        } catch (e) {
          reject(e);
        }
        return;
      }
      reject(err);
    };
    xhr.send(file);
  });
}

// Sends a file as the body of `path` (its bytes, with `contentType`) and
// answers the JSON reply, with the upload's progress (0..1) and the same
// errors and sign-in-again as `call`; XMLHttpRequest, since fetch cannot
// report upload progress.
export function sendFile<T>(
  method: string,
  path: string,
  file: Blob,
  contentType: string,
  onProgress: (fraction: number) => void,
  retried = false,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    xhr.setRequestHeader('Content-Type', contentType);
    xhr.setRequestHeader('Accept', 'application/json');
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, unreachable, 'The node cannot be reached.'));
    xhr.onload = async () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(JSON.parse(xhr.responseText) as T);
        return;
      }
      const err = await errorOf(
        new Response(xhr.responseText, { status: xhr.status, headers: { 'Retry-After': xhr.getResponseHeader('Retry-After') ?? '' } }),
      );
      if (expiredSession(err) && !retried && onExpired) {
        try {
          await onExpired();
          resolve(await sendFile<T>(method, path, file, contentType, onProgress, true));
        } catch (e) {
          reject(e);
        }
        return;
      }
      reject(err);
    };
    xhr.send(file);
  });
}
