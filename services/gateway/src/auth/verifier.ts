import { AppError, type Caller, type Invoker } from '@shopstack/kit';
import { createRemoteJWKSet, customFetch, errors, type FetchImplementation, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';

export interface TokenVerifier {
  /** The caller an access token stands for; 401 when it is not valid, 503 when the keys cannot be fetched. */
  verify(token: string): Promise<Caller>;
}

export interface VerifierOptions {
  /** Reaches identity, which serves the JWKS. */
  readonly invoker: Invoker;
  readonly identityAppId: string;
  readonly issuer: string;
  readonly audience: string;
  readonly cooldownSeconds: number;
}

const claims = z.object({
  sub: z.string().min(1).max(64),
  roles: z.array(z.string().max(32)).max(16),
  exp: z.number(),
});

/** Tokens verified already, each until it expires: a signature check costs ~0.3 ms of CPU, a lookup ~nothing. */
const VERIFIED_TOKENS = 10_000;

const JWKS_PATH = '.well-known/jwks.json';

/** jose's download of the key set, as a Dapr invocation of identity with the invoker's time limit of 3 s. */
function fetchThrough(invoker: Invoker, identityAppId: string): FetchImplementation {
  return async () => {
    const answer = await invoker.invoke(identityAppId, {
      method: 'GET',
      path: JWKS_PATH,
      headers: { accept: 'application/json, application/jwk-set+json' },
      timeoutMs: 3000,
    });
    return new Response(answer.body, { status: answer.status });
  };
}

const invalid = (cause: unknown): AppError =>
  new AppError(401, 'the access token is not valid', {
    headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
    cause,
  });

/**
 * Verifies access tokens locally against identity's JWKS, fetched through Dapr and cached; an unknown
 * `kid` (after a key rotation) refetches it at most once per cooldown. Algorithm, issuer, audience,
 * type and expiry are pinned. A token that passed is remembered (by its whole text) until its `exp`, so a
 * client's later requests skip the signature check; like the JWKS cache, a key withdrawn from identity is
 * still honoured for the tokens it signed until they expire.
 */
export function createTokenVerifier(opts: VerifierOptions): TokenVerifier {
  // jose keeps the key set (its cache and cooldown); the download goes through Dapr invocation, so the URL only names it
  const jwks = createRemoteJWKSet(new URL(`dapr://${opts.identityAppId}/${JWKS_PATH}`), {
    cooldownDuration: opts.cooldownSeconds * 1000,
    cacheMaxAge: 10 * 60_000,
    [customFetch]: fetchThrough(opts.invoker, opts.identityAppId),
  });
  const verified = new LRUCache<string, Caller>({ max: VERIFIED_TOKENS });
  return {
    async verify(token) {
      const known = verified.get(token);
      if (known) return known;
      let payload: unknown;
      try {
        ({ payload } = await jwtVerify(token, jwks, {
          algorithms: ['EdDSA'],
          issuer: opts.issuer,
          audience: opts.audience,
          typ: 'at+jwt',
          requiredClaims: ['exp', 'iat', 'sub'],
          clockTolerance: 5,
        }));
      } catch (err) {
        // a JWKS that cannot be fetched is a generic JOSE error; a bad token has a specific code
        if (
          !(err instanceof errors.JOSEError) ||
          err.code === 'ERR_JOSE_GENERIC' ||
          err instanceof errors.JWKSTimeout
        ) {
          throw new AppError(503, 'cannot verify access tokens right now', { cause: err });
        }
        throw invalid(err);
      }
      const parsed = claims.safeParse(payload);
      if (!parsed.success) throw invalid(parsed.error);
      const caller: Caller = { id: parsed.data.sub, roles: parsed.data.roles };
      const ttl = parsed.data.exp * 1000 - Date.now();
      if (ttl > 0) verified.set(token, caller, { ttl });
      return caller;
    },
  };
}
