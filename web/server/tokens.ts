/** The token pair identity issues (register, login, refresh). */
export interface Tokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** Seconds the access token lives. */
  readonly expiresIn: number;
}

export function isTokens(body: unknown): body is Tokens {
  const b = body as Partial<Tokens> | undefined;
  return typeof b?.accessToken === 'string' && typeof b.refreshToken === 'string' && typeof b.expiresIn === 'number';
}

/**
 * When an access token expires (its `exp`, read without checking the signature: the gateway checks it;
 * this only decides whether to refresh first). Undefined when it cannot be read.
 */
export function expiresAtMs(accessToken: string): number | undefined {
  const payload = accessToken.split('.')[1];
  if (!payload) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Refreshes each refresh token once. Identity rotates refresh tokens and revokes the whole family when a
 * used one comes back, so concurrent requests of one browser (the page, its event stream) must share
 * one refresh; the answer is kept for `graceMs` for requests that still carry the old cookie.
 * (One replica's memory: with several replicas a refresh race can still end a session; see web/README.md.)
 */
export class Refresher {
  private readonly inFlight = new Map<string, Promise<Tokens | undefined>>();
  private readonly refresh: (refreshToken: string) => Promise<Tokens | undefined>;
  private readonly graceMs: number;

  constructor(refresh: (refreshToken: string) => Promise<Tokens | undefined>, graceMs = 30_000) {
    this.refresh = refresh;
    this.graceMs = graceMs;
  }

  get(refreshToken: string): Promise<Tokens | undefined> {
    let p = this.inFlight.get(refreshToken);
    if (!p) {
      p = this.refresh(refreshToken);
      this.inFlight.set(refreshToken, p);
      const forget = () => setTimeout(() => this.inFlight.delete(refreshToken), this.graceMs).unref();
      p.then(forget, () => this.inFlight.delete(refreshToken));
    }
    return p;
  }
}
