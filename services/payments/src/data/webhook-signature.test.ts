import { describe, expect, it } from 'vitest';
import { sign, verify } from './webhook-signature.ts';

const secret = 'a-secret-of-sixteen-or-more';
const body = JSON.stringify({ type: 'charge.updated', idempotencyKey: 'k' });

describe('provider webhook signatures', () => {
  it('a signature made with the secret verifies', () => {
    expect(verify(secret, body, sign(secret, body))).toBe(true);
  });

  it('a changed body, another secret, a stale timestamp or a malformed header do not verify', () => {
    const now = Date.now();
    expect(verify(secret, `${body} `, sign(secret, body, now), now)).toBe(false);
    expect(verify(secret, body, sign('another-secret-of-sixteen', body, now), now)).toBe(false);
    expect(verify(secret, body, sign(secret, body, now - 10 * 60_000), now)).toBe(false);
    expect(verify(secret, body, 'garbage', now)).toBe(false);
    expect(verify(secret, body, undefined, now)).toBe(false);
  });
});
