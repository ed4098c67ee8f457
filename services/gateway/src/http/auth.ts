import type { Invoker } from '@shopstack/kit';
import type { Router } from 'express';
import { z } from 'zod';
import { relay } from '../data/upstream.ts';
import { label } from './text.ts';
import { asCaller, type Link, noContent, type RouteContext, route } from './route.ts';

// the exact syntax accepted (zod's, as identity's), stated as a pattern: `format: email` means another, looser or stricter, check
const email = z
  .string()
  .regex(z.regexes.email, 'Invalid email address')
  .max(254)
  .meta({ description: 'e-mail address' });
const password = z.string().min(1).max(256);
/** identity's password policy (its PASSWORD_MIN_LENGTH default), checked here too so that the document states it */
const PASSWORD_MIN_LENGTH = 10;
const singleCharacter = /^(.)\1*$/u;
const newPassword = z
  .string()
  .min(PASSWORD_MIN_LENGTH)
  .max(256)
  .refine((p) => !singleCharacter.test(p), 'must not repeat a single character')
  .meta({
    description: `at least ${PASSWORD_MIN_LENGTH} characters, not one character repeated, not the e-mail address or its local part`,
    not: { pattern: singleCharacter.source },
  });
const refreshToken = z.string().min(1).max(128);

export const registerBody = z.strictObject({ email, password: newPassword, name: label(200) }).meta({ id: 'Register' });
export const loginBody = z.strictObject({ email, password }).meta({ id: 'Login' });
export const refreshBody = z.strictObject({ refreshToken }).meta({ id: 'RefreshToken' });

const userSchema = z
  .object({ id: z.uuid(), email: z.string(), name: z.string(), roles: z.array(z.string()) })
  .meta({ id: 'User' });
const sessionSchema = z
  .object({
    user: userSchema,
    accessToken: z.string(),
    refreshToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int().meta({ description: 'seconds until the access token expires' }),
  })
  .meta({ id: 'Session' });
const jwksSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).meta({ id: 'JWKS' });

/** A session's refresh token leads to refreshing and to signing out. */
const sessionLinks: Record<string, Link> = {
  refreshSession: { operationId: 'refreshSession', requestBody: { refreshToken: '$response.body#/refreshToken' } },
  logout: { operationId: 'logout', requestBody: { refreshToken: '$response.body#/refreshToken' } },
};

/** Set for identity from the public request: the address login throttling counts failures by. */
const CLIENT_ADDRESS = 'x-shopstack-client-address';

export function authRoutes(ctx: RouteContext, invoker: Invoker, identity: string): (router: Router) => void {
  return (router) => {
    route(router, ctx, {
      method: 'post',
      path: '/api/v1/auth/register',
      operationId: 'register',
      summary: 'Create an account and sign in',
      tag: 'auth',
      access: 'public',
      body: registerBody,
      errors: [409],
      responses: { 201: { description: 'the new user and a session', schema: sessionSchema, links: sessionLinks } },
      async handle({ body, res }) {
        res.set('cache-control', 'no-store');
        await relay(invoker, identity, { method: 'POST', path: 'auth/register', body }, res);
      },
    });
    route(router, ctx, {
      method: 'post',
      path: '/api/v1/auth/login',
      operationId: 'login',
      summary: 'Sign in with e-mail and password (failures are throttled per account and address)',
      tag: 'auth',
      access: 'public',
      body: loginBody,
      errors: [401],
      responses: { 200: { description: 'a session', schema: sessionSchema, links: sessionLinks } },
      async handle({ body, req, res }) {
        res.set('cache-control', 'no-store');
        const headers = { [CLIENT_ADDRESS]: req.ip ?? 'unknown' };
        await relay(invoker, identity, { method: 'POST', path: 'auth/login', headers, body }, res);
      },
    });
    route(router, ctx, {
      method: 'post',
      path: '/api/v1/auth/refresh',
      operationId: 'refreshSession',
      summary: 'Trade a refresh token for a new pair; a reused token revokes its whole family',
      tag: 'auth',
      access: 'public',
      body: refreshBody,
      errors: [401],
      responses: { 200: { description: 'a new session', schema: sessionSchema, links: sessionLinks } },
      async handle({ body, res }) {
        res.set('cache-control', 'no-store');
        await relay(invoker, identity, { method: 'POST', path: 'auth/refresh', body }, res);
      },
    });
    route(router, ctx, {
      method: 'post',
      path: '/api/v1/auth/logout',
      operationId: 'logout',
      summary: 'Revoke a refresh token and its family',
      tag: 'auth',
      access: 'public',
      body: refreshBody,
      responses: noContent,
      async handle({ body, res }) {
        await relay(invoker, identity, { method: 'POST', path: 'auth/logout', body }, res);
      },
    });
    route(router, ctx, {
      method: 'post',
      path: '/api/v1/auth/keys/rotate',
      operationId: 'rotateSigningKey',
      summary: 'Start signing with a new key; tokens signed with the old one stay valid until they expire',
      tag: 'auth',
      access: 'admin',
      responses: { 201: { description: 'the id of the new key', schema: z.object({ kid: z.string() }) } },
      async handle({ caller, res }) {
        await relay(invoker, identity, { method: 'POST', path: 'auth/keys/rotate', headers: asCaller(caller) }, res);
      },
    });
    route(router, ctx, {
      method: 'get',
      path: '/api/v1/me',
      operationId: 'getMe',
      summary: 'The signed-in user',
      tag: 'auth',
      access: 'user',
      errors: [404],
      responses: { 200: { description: 'the user', schema: userSchema } },
      async handle({ caller, res }) {
        await relay(invoker, identity, { method: 'GET', path: 'me', headers: asCaller(caller) }, res);
      },
    });
    route(router, ctx, {
      method: 'get',
      path: '/.well-known/jwks.json',
      operationId: 'getJwks',
      summary: 'Public keys of access tokens',
      tag: 'auth',
      access: 'public',
      responses: { 200: { description: 'JSON Web Key Set', schema: jwksSchema } },
      async handle({ res }) {
        await relay(invoker, identity, { method: 'GET', path: '.well-known/jwks.json' }, res);
      },
    });
  };
}
