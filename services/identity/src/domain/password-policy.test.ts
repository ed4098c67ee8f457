import type { AppError } from '@shopstack/kit';
import { describe, expect, it } from 'vitest';
import { checkPassword } from './password-policy.ts';

const rejects = (password: string, email = 'ann@example.com'): AppError => {
  try {
    checkPassword(password, email, 10);
  } catch (err) {
    return err as AppError;
  }
  throw new Error('the password was accepted');
};

describe('password policy', () => {
  it('accepts a long password that is not the e-mail', () => {
    expect(() => checkPassword('correct horse battery', 'ann@example.com', 10)).not.toThrow();
  });

  it('rejects a short password with a 400 naming the password field', () => {
    const err = rejects('short');
    expect(err.status).toBe(400);
    expect(err.errors?.[0]?.path).toBe('password');
  });

  it('rejects the e-mail address, whatever its case', () => {
    expect(rejects('Ann.Longname@Example.com', 'ann.longname@example.com').status).toBe(400);
  });

  it('counts characters, not UTF-16 units, against the maximum length', () => {
    expect(() => checkPassword('\u{1F600}x'.repeat(128), 'ann@example.com', 10)).not.toThrow();
    expect(rejects('\u{1F600}x'.repeat(128) + 'y').errors?.[0]?.message).toBe('must be at most 256 characters');
  });

  it('rejects a password made of one repeated character', () => {
    expect(rejects('aaaaaaaaaaaa').status).toBe(400);
  });
});
