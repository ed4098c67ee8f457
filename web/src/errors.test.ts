import { describe, expect, it } from 'vitest';
import { ApiError, reasonSentence, sentence } from './errors.ts';

describe('error sentences', () => {
  it('words an unreachable shop, a 429 with its retry hint and a validation problem with its fields', () => {
    expect(sentence(new ApiError(0, undefined))).toMatch(/^We cannot reach the shop right now\./);
    expect(sentence(new ApiError(503, { type: 'urn:shopstack:gateway-unreachable' }))).toMatch(
      /^We cannot reach the shop/,
    );
    expect(sentence(new ApiError(429, { status: 429 }, 17))).toBe(
      'Too many requests in a short time. Please wait 17 seconds and try again.',
    );
    expect(sentence(new ApiError(429, undefined, 1))).toContain('wait 1 second and');
    const invalid = new ApiError(400, {
      status: 400,
      errors: [{ path: 'password', message: 'Too small: expected string to have >=10 characters' }],
    });
    expect(invalid.fields).toEqual({ password: 'Password: too small: expected string to have >=10 characters.' });
    expect(sentence(invalid)).toBe('Please correct: Password: too small: expected string to have >=10 characters.');
  });

  it('prefers the wording of the call, and every status has a sentence', () => {
    expect(sentence(new ApiError(409, undefined), { 409: 'That e-mail is taken.' })).toBe('That e-mail is taken.');
    for (const status of [400, 401, 403, 404, 409, 412, 413, 418, 422, 428, 500, 502]) {
      const text = sentence(new ApiError(status, { title: 'X', status }));
      expect(text).toMatch(/^[A-Z].*\.$/);
      expect(text).not.toMatch(/undefined|\[object/);
    }
    expect(sentence(new Error('boom'))).toMatch(/^Something went wrong in the page/);
    expect(reasonSentence('payment_declined')).toBe(
      'Your card was declined, so the order was cancelled. Nothing was charged.',
    );
    expect(reasonSentence('something new')).toBe('The order was cancelled.');
  });
});
