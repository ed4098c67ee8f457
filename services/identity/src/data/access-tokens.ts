import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { AccessTokenIssuer } from '../domain/session.ts';
import { ALG, type SigningKeys } from './signing-keys.ts';

export interface AccessTokenOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly ttlSeconds: number;
}

/** Short-lived JWT access tokens (RFC 9068 `at+jwt`) carrying the user's id and roles. */
export function createAccessTokenIssuer(keys: SigningKeys, opts: AccessTokenOptions): AccessTokenIssuer {
  return {
    async issue(user) {
      const { kid, key } = await keys.active();
      const token = await new SignJWT({ roles: user.roles })
        .setProtectedHeader({ alg: ALG, kid, typ: 'at+jwt' })
        .setIssuer(opts.issuer)
        .setAudience(opts.audience)
        .setSubject(user.id)
        .setIssuedAt()
        .setExpirationTime(`${opts.ttlSeconds}s`)
        .setJti(randomUUID())
        .sign(key);
      return { token, expiresIn: opts.ttlSeconds };
    },
  };
}
