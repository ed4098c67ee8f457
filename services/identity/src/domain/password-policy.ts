import { AppError } from '@shopstack/kit';
import { normalizeEmail } from './user.ts';

/** Longest password accepted: argon2 cost grows with input, and nobody types more. */
export const PASSWORD_MAX_LENGTH = 256;

/** A weak password is a 400 naming `password`. */
export function checkPassword(password: string, email: string, minLength: number): void {
  const problems: string[] = [];
  // characters are code points, as JSON Schema's minLength/maxLength (and zod's) count them
  const length = [...password].length;
  if (length < minLength) problems.push(`must be at least ${minLength} characters`);
  if (length > PASSWORD_MAX_LENGTH) problems.push(`must be at most ${PASSWORD_MAX_LENGTH} characters`);
  const lowered = password.trim().toLowerCase();
  const mail = normalizeEmail(email);
  if (lowered === mail || lowered === mail.split('@')[0]) problems.push('must not be the e-mail address');
  if (/^(.)\1*$/u.test(password)) problems.push('must not repeat a single character');
  if (problems.length) {
    throw AppError.badRequest(
      `weak password: ${problems.join('; ')}`,
      problems.map((message) => ({ path: 'password', message })),
    );
  }
}
