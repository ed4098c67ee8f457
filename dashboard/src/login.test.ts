import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { sameOrigin, sessionCookieHeader, sessionToken } from './login.ts';

const request = (headers: Record<string, string>): IncomingMessage => ({ headers }) as unknown as IncomingMessage;

describe("the Dapr view's session", () => {
  it('sets the token HttpOnly, Secure, SameSite=Strict, on the view path only', () => {
    expect(sessionCookieHeader('/dapr', 'abc.def', 900)).toBe(
      'dapr_session=abc.def; Path=/dapr; Max-Age=900; HttpOnly; Secure; SameSite=Strict',
    );
  });

  it('reads the token among other cookies, and nothing from an empty one', () => {
    expect(sessionToken(request({ cookie: 'a=1; dapr_session=x.y=; b=2' }))).toBe('x.y=');
    expect(sessionToken(request({ cookie: 'dapr_session=' }))).toBeUndefined();
    expect(sessionToken(request({}))).toBeUndefined();
  });

  it('accepts a form from the same origin only', () => {
    expect(sameOrigin(request({ 'sec-fetch-site': 'same-origin', host: 'h' }))).toBe(true);
    expect(sameOrigin(request({ 'sec-fetch-site': 'cross-site', host: 'h' }))).toBe(false);
    expect(sameOrigin(request({ 'sec-fetch-site': 'same-site', host: 'h' }))).toBe(false);
    expect(sameOrigin(request({ origin: 'https://h', host: 'h' }))).toBe(true);
    expect(sameOrigin(request({ origin: 'https://evil.example', host: 'h' }))).toBe(false);
    expect(sameOrigin(request({ origin: 'null', host: 'h' }))).toBe(false);
    // curl and other clients that are not browsers send neither header
    expect(sameOrigin(request({ host: 'h' }))).toBe(true);
  });
});
