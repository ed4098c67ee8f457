import { AppError, type Invoker } from '@shopstack/kit';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, type TokenVerifier } from './verifier.ts';

// identity's key set, as the gateway's sidecar would relay it
let jwks = '';
let sign: (claims: { sub: string; expiresInSeconds: number }) => Promise<string>;

const identity: Invoker = {
  async invoke(appId, req) {
    const found = appId === 'identity' && req.method === 'GET' && req.path === '.well-known/jwks.json';
    return { status: found ? 200 : 404, headers: new Headers(), body: found ? jwks : '' };
  },
};

const newVerifier = (invoker: Invoker = identity): TokenVerifier =>
  createTokenVerifier({
    invoker,
    identityAppId: 'identity',
    issuer: 'shopstack-identity',
    audience: 'shopstack',
    cooldownSeconds: 30,
  });

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'EdDSA' }] });
  sign = ({ sub, expiresInSeconds }) =>
    new SignJWT({ roles: ['customer'] })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k1', typ: 'at+jwt' })
      .setIssuer('shopstack-identity')
      .setAudience('shopstack')
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
      .sign(privateKey);
});

describe('the access token verifier', () => {
  it('answers a token it verified before without checking it again, and a changed token is still refused', async () => {
    const verifier = newVerifier();
    const token = await sign({ sub: 'user-1', expiresInSeconds: 60 });
    const first = await verifier.verify(token);
    expect(first).toEqual({ id: 'user-1', roles: ['customer'] });
    // the remembered answer is the same object: no second signature check
    expect(await verifier.verify(token)).toBe(first);

    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${Buffer.alloc(64).toString('base64url')}`;
    await expect(verifier.verify(forged)).rejects.toMatchObject({ status: 401 });
  });

  it('forgets a token when it expires: it is refused once past its exp and the allowed clock skew', async () => {
    const verifier = newVerifier();
    const token = await sign({ sub: 'user-2', expiresInSeconds: 1 });
    expect(await verifier.verify(token)).toEqual({ id: 'user-2', roles: ['customer'] });
    await new Promise((resolve) => setTimeout(resolve, 6_500));
    const err: unknown = await verifier.verify(token).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ status: 401, message: 'the access token is not valid' });
  }, 15_000);
});

describe('the access token verifier without the key set', () => {
  it('answers 503, not 401, when the call to identity gets no answer', async () => {
    const unreachable: Invoker = {
      invoke: () => Promise.reject(new Error('the sidecar did not answer within 3 s')),
    };
    const verifier = newVerifier(unreachable);
    const token = await sign({ sub: 'user-3', expiresInSeconds: 60 });
    await expect(verifier.verify(token)).rejects.toMatchObject({ status: 503 });
  });
});
