import { randomUUID } from 'node:crypto';
import { generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withinOneWindow } from './support/clock.ts';
import { startTestStack, type TestStack } from './support/stack.ts';
import { ADMIN, apiClient, serviceDb, storefrontEnv } from './support/storefront.ts';

describe('auth through the gateway (identity behind its own sidecar)', () => {
  let stack: TestStack;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    stack = await startTestStack(['gateway', 'catalog', 'identity'], { env: storefrontEnv });
    api = apiClient(stack);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** Signs a token with identity's current private key, so that only the claim under test is wrong. */
  const signWithIdentityKey = async (claims: Record<string, unknown>, opts: { exp?: number; aud?: string } = {}) => {
    const db = await serviceDb(stack, 'identity');
    const { rows } = await db.query<{ kid: string; private_jwk: JWK }>(
      'SELECT kid, private_jwk FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1',
    );
    await db.end();
    const row = rows[0];
    if (!row) throw new Error('no signing key');
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', kid: row.kid, typ: 'at+jwt' })
      .setIssuer('shopstack-identity')
      .setAudience(opts.aud ?? 'shopstack-api')
      .setIssuedAt(now - 120)
      .setExpirationTime(opts.exp ?? now + 60)
      .sign(await importJWK(row.private_jwk, 'EdDSA'));
  };

  it('registers a user with an argon2id hash and answers with a session', async () => {
    const email = `new-${randomUUID()}@example.com`;
    const res = await api.call('POST', '/api/v1/auth/register', {
      body: { email, password: 'a long enough password', name: 'Ann' },
    });

    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ email, name: 'Ann', roles: ['customer'] });
    expect(res.body.accessToken.split('.')).toHaveLength(3);
    expect(res.body.refreshToken).toMatch(/^[\w-]{43}$/);
    expect(res.body.expiresIn).toBeGreaterThan(0);
    const db = await serviceDb(stack, 'identity');
    const { rows } = await db.query('SELECT password_hash FROM users WHERE email = $1', [email]);
    await db.end();
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$/);
  });

  it('a second account with the same e-mail, in any case, is a 409', async () => {
    const first = await api.register();
    const res = await api.call('POST', '/api/v1/auth/register', {
      body: { email: first.user.email.toUpperCase(), password: 'another long password', name: 'Dup' },
    });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors[0].path).toBe('email');
  });

  it('a short password or one equal to the e-mail is a 400 naming the password', async () => {
    const short = await api.call('POST', '/api/v1/auth/register', {
      body: { email: `s-${randomUUID()}@example.com`, password: 'short', name: 'S' },
    });
    expect(short.status).toBe(400);
    expect(short.body.errors[0].path).toBe('password');
    const email = `same-${randomUUID()}@example.com`;
    const same = await api.call('POST', '/api/v1/auth/register', { body: { email, password: email, name: 'S' } });
    expect(same.status).toBe(400);
    expect(same.body.errors[0].path).toBe('password');
  });

  it('logs in with the right password; a wrong one is a 401', async () => {
    const user = await api.register({ password: 'the right password' });
    const wrong = await api.call('POST', '/api/v1/auth/login', {
      body: { email: user.user.email, password: 'not the password' },
    });
    expect(wrong.status).toBe(401);
    const unknown = await api.call('POST', '/api/v1/auth/login', {
      body: { email: `nobody-${randomUUID()}@example.com`, password: 'whatever it is' },
    });
    expect(unknown.status).toBe(401);
    const right = await api.login(user.user.email, 'the right password');
    expect(right.user.id).toBe(user.user.id);
  });

  it('me answers the signed-in user; without a token it is a 401', async () => {
    const user = await api.register({ name: 'Me Myself' });
    const me = await api.call('GET', '/api/v1/me', { token: user.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id: user.user.id, email: user.user.email, name: 'Me Myself', roles: ['customer'] });
    expect(me.headers.get('cache-control')).toBe('no-store');
    const anonymous = await api.call('GET', '/api/v1/me');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('an x-shopstack-user header from the public internet is ignored', async () => {
    const user = await api.register();
    const res = await api.call('GET', '/api/v1/me', {
      headers: { 'x-shopstack-user': user.user.id, 'x-shopstack-roles': 'admin' },
    });
    expect(res.status).toBe(401);
  });

  it('refresh rotates the pair, and presenting a used refresh token revokes the whole family', async () => {
    const user = await api.register();
    const first = await api.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: user.refreshToken } });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(user.refreshToken);

    const reuse = await api.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: user.refreshToken } });
    expect(reuse.status).toBe(401);
    const afterRevocation = await api.call('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: first.body.refreshToken },
    });
    expect(afterRevocation.status).toBe(401);
  });

  it('logout revokes the refresh token', async () => {
    const user = await api.register();
    const out = await api.call('POST', '/api/v1/auth/logout', { body: { refreshToken: user.refreshToken } });
    expect(out.status).toBe(204);
    const res = await api.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: user.refreshToken } });
    expect(res.status).toBe(401);
  });

  it('expired, foreign-key, alg none, wrong-audience and tampered access tokens are all 401', async () => {
    const user = await api.register();
    const sub = user.user.id;
    const now = Math.floor(Date.now() / 1000);
    const expired = await signWithIdentityKey({ sub, roles: ['customer'] }, { exp: now - 60 });
    const wrongAudience = await signWithIdentityKey({ sub, roles: ['customer'] }, { aud: 'another-api' });
    const [header] = user.accessToken.split('.');
    const foreign = await generateKeyPair('EdDSA', { extractable: true });
    const kid = JSON.parse(Buffer.from(header as string, 'base64url').toString()).kid;
    const otherKey = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt' })
      .setIssuer('shopstack-identity')
      .setAudience('shopstack-api')
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(foreign.privateKey);
    const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const claims = { sub, roles: ['admin'], iss: 'shopstack-identity', aud: 'shopstack-api', iat: now, exp: now + 300 };
    const algNone = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims)}.`;
    const [h, , s] = user.accessToken.split('.');
    const tampered = `${h}.${b64(claims)}.${s}`;

    for (const token of [expired, wrongAudience, otherKey, algNone, tampered, 'not-a-jwt']) {
      const res = await api.call('GET', '/api/v1/me', { token });
      expect(res.status, token).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    const valid = await signWithIdentityKey({ sub, roles: ['customer'] });
    expect((await api.call('GET', '/api/v1/me', { token: valid })).status).toBe(200);
  });

  it('publishes public keys only at /.well-known/jwks.json', async () => {
    const res = await api.call('GET', '/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.body.keys.length).toBeGreaterThan(0);
    for (const key of res.body.keys) {
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
      expect(key.kid).toBeTruthy();
      expect(key.d).toBeUndefined();
    }
  });

  it('after a key rotation, tokens signed with the old key stay valid and new tokens use the new key', async () => {
    const admin = await api.login(ADMIN.email, ADMIN.password);
    const user = await api.register({ password: 'rotation password' });
    const customer = await api.call('POST', '/api/v1/auth/keys/rotate', { token: user.accessToken });
    expect(customer.status).toBe(403);

    const rotated = await api.call('POST', '/api/v1/auth/keys/rotate', { token: admin.accessToken });
    expect(rotated.status).toBe(201);
    const jwks = await api.call('GET', '/.well-known/jwks.json');
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toContain(rotated.body.kid);

    expect((await api.call('GET', '/api/v1/me', { token: user.accessToken })).status).toBe(200);
    const fresh = await api.login(user.user.email, 'rotation password');
    const kid = JSON.parse(Buffer.from(fresh.accessToken.split('.')[0] as string, 'base64url').toString()).kid;
    expect(kid).toBe(rotated.body.kid);
    let status = 0;
    for (const deadline = Date.now() + 10_000; Date.now() < deadline && status !== 200;) {
      status = (await api.call('GET', '/api/v1/me', { token: fresh.accessToken })).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(200);
  });

  it('repeated failed logins for one account are throttled with 429 and Retry-After, even with the right password', async () => {
    const user = await api.register({ password: 'throttled password' });
    const attempt = (password: string, address: string) =>
      api.call('POST', '/api/v1/auth/login', {
        body: { email: user.user.email, password },
        headers: { 'x-forwarded-for': address },
      });
    for (let i = 0; i < 3; i++) expect((await attempt('wrong password', `198.51.100.${i + 1}`)).status).toBe(401);
    const blocked = await attempt('throttled password', '198.51.100.9');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('repeated failed logins from one address are throttled across accounts', async () => {
    const address = '203.0.113.77';
    for (let i = 0; i < 8; i++) {
      const res = await api.call('POST', '/api/v1/auth/login', {
        body: { email: `guess-${i}@example.com`, password: 'guessing away' },
        headers: { 'x-forwarded-for': address },
      });
      expect(res.status).toBe(401);
    }
    const blocked = await api.call('POST', '/api/v1/auth/login', {
      body: { email: ADMIN.email, password: ADMIN.password },
      headers: { 'x-forwarded-for': address },
    });
    expect(blocked.status).toBe(429);
    const elsewhere = await api.call('POST', '/api/v1/auth/login', {
      body: { email: ADMIN.email, password: ADMIN.password },
      headers: { 'x-forwarded-for': '203.0.113.78' },
    });
    expect(elsewhere.status).toBe(200);
  });

  it('a user gets exactly the per-user budget in a window, then 429 with Retry-After until it ends', async () => {
    // windows are aligned to the clock (RATE_LIMIT_WINDOW_SECONDS, 60 s by default): stay inside one
    await withinOneWindow(60_000, 15_000);
    const user = await api.register();
    const budget = Number(storefrontEnv.gateway.RATE_LIMIT_PER_USER);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i <= budget; i++) {
      const res = await api.call('GET', '/api/v1/me', { token: user.accessToken });
      statuses.push(res.status);
      retryAfter = res.headers.get('retry-after');
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(budget);
    expect(statuses.at(-1)).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
  });

  it('bad JSON, unknown fields, wrong types and oversized bodies are 400/413/415 problems, never 5xx', async () => {
    const badJson = await api.call('POST', '/api/v1/auth/login', { raw: '{"email": ' });
    expect(badJson.status).toBe(400);
    expect(badJson.headers.get('content-type')).toContain('application/problem+json');
    const unknownField = await api.call('POST', '/api/v1/auth/login', {
      body: { email: 'a@example.com', password: 'x', admin: true },
    });
    expect(unknownField.status).toBe(400);
    expect(JSON.stringify(unknownField.body.errors)).toContain('admin');
    const wrongType = await api.call('POST', '/api/v1/auth/login', { body: { email: 42, password: 'x' } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors[0].path).toBe('email');
    const huge = await api.call('POST', '/api/v1/auth/register', {
      body: { email: 'big@example.com', password: 'x'.repeat(40_000), name: 'Big' },
    });
    expect(huge.status).toBe(413);
    const text = await api.call('POST', '/api/v1/auth/login', {
      raw: 'email=a',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
  });

  it('sends security headers, and CORS only for the configured origin', async () => {
    const res = await fetch(`${stack.gatewayUrl}/api/v1/products?limit=1`, {
      headers: { origin: 'https://shop.example' },
    });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toBeTruthy();
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    const preflight = await fetch(`${stack.gatewayUrl}/api/v1/cart`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'PUT' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('if-match');
    const other = await fetch(`${stack.gatewayUrl}/api/v1/products?limit=1`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
