import { describe, expect, it } from 'vitest';
import { cookie, readCookies } from './cookies.ts';
import { expiresAtMs, Refresher, type Tokens } from './tokens.ts';

const jwt = (payload: object) => `h.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.s`;

describe('session tokens', () => {
  it("reads an access token's expiry, and nothing from a token it cannot read", () => {
    expect(expiresAtMs(jwt({ exp: 1_700_000_000 }))).toBe(1_700_000_000_000);
    expect(expiresAtMs(jwt({ sub: 'x' }))).toBeUndefined();
    expect(expiresAtMs('not-a-jwt')).toBeUndefined();
    expect(expiresAtMs('a.%%%.b')).toBeUndefined();
  });

  it('refreshes a refresh token once however many requests ask at the same time, and again after a failure', async () => {
    const calls: string[] = [];
    let fail = true;
    const refresher = new Refresher(async (rt) => {
      calls.push(rt);
      await new Promise((r) => setTimeout(r, 10));
      if (fail) throw new Error('unreachable');
      return { accessToken: 'a2', refreshToken: 'r2', expiresIn: 60 } satisfies Tokens;
    }, 50);
    await expect(refresher.get('r1')).rejects.toThrow('unreachable');
    fail = false;
    const answers = await Promise.all([refresher.get('r1'), refresher.get('r1'), refresher.get('r1')]);
    expect(answers.map((a) => a?.refreshToken)).toEqual(['r2', 'r2', 'r2']);
    expect(calls).toEqual(['r1', 'r1']);
    expect((await refresher.get('r1'))?.accessToken).toBe('a2'); // within the grace: the same answer
    expect(calls).toHaveLength(2);
  });

  it('writes HttpOnly, SameSite=Strict cookies scoped to /session, Secure when asked, and reads them back', () => {
    expect(cookie('shopstack_access', 'a b', 60, true)).toBe(
      'shopstack_access=a%20b; Path=/session; Max-Age=60; HttpOnly; SameSite=Strict; Secure',
    );
    expect(cookie('x', 'v', 10.7, false)).toBe('x=v; Path=/session; Max-Age=10; HttpOnly; SameSite=Strict');
    const req = { headers: { cookie: 'shopstack_access=a%20b; other=1; broken=%E0%A4%A; =x' } };
    expect(readCookies(req as never)).toEqual({ shopstack_access: 'a b', other: '1' });
  });
});
