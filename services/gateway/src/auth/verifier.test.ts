import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '@shopstack/kit';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, type TokenVerifier } from './verifier.ts';

// identity's key set, served where the gateway's sidecar would relay it
let server: Server;
let sign: (claims: { sub: string; expiresInSeconds: number }) => Promise<string>;

const verifierAt = (port: number): TokenVerifier =>
  createTokenVerifier({
    sidecar: { host: '127.0.0.1', httpPort: port, apiToken: 'test' },
    identityAppId: 'identity',
    issuer: 'shopstack-identity',
    audience: 'shopstack',
    cooldownSeconds: 30,
  });

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'EdDSA' }] });
  sign = ({ sub, expiresInSeconds }) =>
    new SignJWT({ roles: ['customer'] })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k1', typ: 'at+jwt' })
      .setIssuer('shopstack-identity')
      .setAudience('shopstack')
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
      .sign(privateKey);
  server = createServer((req, res) => {
    if (req.url !== '/v1.0/invoke/identity/method/.well-known/jwks.json') res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const port = (): number => (server.address() as AddressInfo).port;

describe('the access token verifier', () => {
  it('answers a token it verified before without checking it again, and a changed token is still refused', async () => {
    const verifier = verifierAt(port());
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
    const verifier = verifierAt(port());
    const token = await sign({ sub: 'user-2', expiresInSeconds: 1 });
    expect(await verifier.verify(token)).toEqual({ id: 'user-2', roles: ['customer'] });
    await new Promise((resolve) => setTimeout(resolve, 6_500));
    const err: unknown = await verifier.verify(token).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ status: 401, message: 'the access token is not valid' });
  }, 15_000);
});
