import type { z } from 'zod';
import { AppError } from './errors.ts';

/** Parses `input` with `schema`; failure is a 400 that names each wrong field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown, what = 'request'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({
    path: issue.path.join('.') || '(root)',
    message: issue.message,
  }));
  const first = errors[0];
  throw AppError.badRequest(`invalid ${what}${first ? `: ${first.path}: ${first.message}` : ''}`, errors);
}
