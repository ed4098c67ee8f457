// Who may see the Dapr view on the ingress: the shop's admins. Identity checks the password and issues
// the access token (through the gateway's public API, the only way in); the view keeps the token in an
// HttpOnly cookie and asks the gateway whose it is (GET /api/v1/me) before serving anything.

/** The outcome of a login: a token to keep, or why there is none. */
export type LoginResult =
  | { readonly ok: true; readonly token: string; readonly expiresInSeconds: number }
  | { readonly ok: false; readonly reason: 'refused' | 'throttled' | 'unavailable' };

export interface AdminAuth {
  login(email: string, password: string): Promise<LoginResult>;
  /** The token's roles, or undefined when the token is not (or no longer) valid. */
  roles(token: string): Promise<readonly string[] | undefined>;
}

const timeoutMs = 5_000;
/** A verified token is trusted this long before the gateway is asked again. */
const rolesTtlMs = 30_000;
const maxCached = 1_000;

interface LoginBody {
  accessToken?: unknown;
  expiresIn?: unknown;
}

/** AdminAuth through the shop's gateway at `gatewayUrl` (in the cluster, its Service). */
export function gatewayAuth(gatewayUrl: string, now: () => number = Date.now): AdminAuth {
  const cache = new Map<string, { roles: readonly string[]; until: number }>();
  const call = (path: string, init: RequestInit): Promise<Response> =>
    fetch(new URL(path, gatewayUrl), { ...init, signal: AbortSignal.timeout(timeoutMs) });
  return {
    async login(email, password) {
      let res: Response;
      try {
        res = await call('/api/v1/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password }),
        });
      } catch {
        return { ok: false, reason: 'unavailable' };
      }
      if (res.status === 429) return { ok: false, reason: 'throttled' };
      if (res.status === 400 || res.status === 401) return { ok: false, reason: 'refused' };
      const body = (await res.json().catch(() => ({}))) as LoginBody;
      if (!res.ok || typeof body.accessToken !== 'string') return { ok: false, reason: 'unavailable' };
      const expiresInSeconds = typeof body.expiresIn === 'number' && body.expiresIn > 0 ? body.expiresIn : 900;
      return { ok: true, token: body.accessToken, expiresInSeconds };
    },
    async roles(token) {
      const cached = cache.get(token);
      if (cached && cached.until > now()) return cached.roles;
      cache.delete(token);
      const res = await call('/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
      if (res.status === 401) return undefined;
      if (!res.ok) throw new Error(`the gateway answered ${res.status} to GET /api/v1/me`);
      const { roles } = (await res.json()) as { roles?: unknown };
      if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) return undefined;
      if (cache.size >= maxCached) cache.clear();
      cache.set(token, { roles, until: now() + rolesTtlMs });
      return roles;
    },
  };
}
