import { callerFrom, requireRole, validate } from '@shopstack/kit';
import type { Router } from 'express';
import type { SigningKeys } from '../data/signing-keys.ts';
import { type IdentityDeps, login, logout, me, refresh, register } from '../domain/accounts.ts';
import { loginBody, refreshBody, registerBody } from './schemas.ts';

/** Set by the gateway from the public request (the only app allowed to call identity). */
const CLIENT_ADDRESS = 'x-shopstack-client-address';

export function identityRoutes(deps: IdentityDeps, keys: SigningKeys): (router: Router) => void {
  return (router) => {
    router.post('/auth/register', async (req, res) => {
      res.status(201).json(await register(deps, validate(registerBody, req.body, 'body')));
    });
    router.post('/auth/login', async (req, res) => {
      const body = validate(loginBody, req.body, 'body');
      res.json(await login(deps, body, req.get(CLIENT_ADDRESS) ?? 'unknown'));
    });
    router.post('/auth/refresh', async (req, res) => {
      res.json(await refresh(deps, validate(refreshBody, req.body, 'body').refreshToken));
    });
    router.post('/auth/logout', async (req, res) => {
      await logout(deps, validate(refreshBody, req.body, 'body').refreshToken);
      res.status(204).end();
    });
    router.get('/me', async (req, res) => {
      res.json(await me(deps, callerFrom(req).id));
    });
    router.get('/.well-known/jwks.json', async (_req, res) => {
      res.set('cache-control', 'public, max-age=60').json(await keys.jwks());
    });
    router.post('/auth/keys/rotate', async (req, res) => {
      requireRole(callerFrom(req), 'admin');
      res.status(201).json({ kid: await keys.rotate() });
    });
  };
}
