import { ApiError } from './errors.ts';
import type { Problem } from './types.ts';

/**
 * The page calls the public API through its own origin: `/session/api/…` is proxied to the gateway by
 * the web server, which adds the Authorization header from the HttpOnly session cookie (web/server).
 */
export const apiBase = '/session/api/v1';

/** Told when the API answered 401: the session ended (the header then shows the visitor signed out). */
export const sessionEnded = new EventTarget();

export interface CallOptions {
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly signal?: AbortSignal;
}

export interface Answer<T> {
  readonly body: T;
  readonly headers: Headers;
}

/** Calls the web server (`path` from the origin); a failure is an ApiError whatever went wrong. */
export async function call<T>(method: string, path: string, opts: CallOptions = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, undefined);
  }
  const text = await res.text().catch(() => '');
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    if (res.status === 401 && path.startsWith(apiBase)) sessionEnded.dispatchEvent(new Event('ended'));
    const retry = Number(res.headers.get('retry-after'));
    throw new ApiError(
      res.status,
      body as Problem | undefined,
      Number.isFinite(retry) && retry > 0 ? retry : undefined,
    );
  }
  return { body: body as T, headers: res.headers };
}

/** A call to the public API (`path` after /api/v1). */
export async function api<T>(method: string, path: string, opts: CallOptions = {}): Promise<T> {
  return (await call<T>(method, `${apiBase}${path}`, opts)).body;
}

export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
