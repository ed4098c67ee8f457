import type { IncomingMessage } from 'node:http';

/** The session's cookies: HttpOnly, SameSite=Strict, scoped to /session (the only paths that use them). */
export const accessCookie = 'shopstack_access';
export const refreshCookie = 'shopstack_refresh';

export function readCookies(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of (req.headers.cookie ?? '').split(';')) {
    const part = raw.trim();
    const eq = part.indexOf('=');
    if (eq < 1) continue;
    const name = part.slice(0, eq);
    try {
      out[name] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // a cookie we did not write is ignored
    }
  }
  return out;
}

export function cookie(name: string, value: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    'Path=/session',
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

export const clearCookies = (secure: boolean): string[] => [
  cookie(accessCookie, '', 0, secure),
  cookie(refreshCookie, '', 0, secure),
];
