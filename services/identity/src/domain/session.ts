import type { User } from './user.ts';

/** What register, login and refresh answer. */
export interface Session {
  readonly user: User;
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  readonly expiresIn: number;
}

export interface AccessTokenIssuer {
  issue(user: User): Promise<{ token: string; expiresIn: number }>;
}

export type RotateOutcome =
  { readonly kind: 'rotated'; readonly userId: string } | { readonly kind: 'reused' } | { readonly kind: 'invalid' };

export interface RefreshTokenRepository {
  create(token: { userId: string; familyId: string; tokenHash: Buffer; expiresAt: Date }): Promise<void>;
  /**
   * In one transaction: a live token is marked used and `next` joins its family; a used token
   * revokes its whole family (reuse detection); an unknown, expired or revoked one is invalid.
   */
  rotate(tokenHash: Buffer, next: { tokenHash: Buffer; expiresAt: Date }): Promise<RotateOutcome>;
  revokeFamilyOf(tokenHash: Buffer): Promise<void>;
}

/** Failed-login counters per account and per client address. */
export interface LoginThrottle {
  /** Throws a 429 with Retry-After while either counter is exhausted. */
  check(email: string, address: string): Promise<void>;
  failed(email: string, address: string): Promise<void>;
  succeeded(email: string): Promise<void>;
}
