import { z } from 'zod';

// JavaScript's String.prototype.trim() whitespace, spelled out so that every regex engine reads the document alike
const space = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';

/** Text that the services store in Postgres, which cannot hold the NUL character: 400 here rather than a 500 there. */
export function text(): z.ZodString {
  // eslint-disable-next-line no-control-regex -- the NUL character is exactly what this pattern excludes
  return z.string().regex(/^[^\u0000]*$/, 'must not contain the NUL character');
}

/**
 * A name-like text of at most `max` characters with something besides whitespace in it, trimmed after it
 * is checked, so that the document's length and pattern describe exactly what is accepted.
 */
export function label(max: number): z.ZodString {
  return z
    .string()
    .regex(new RegExp(`^[^\\u0000]*[^\\u0000${space}][^\\u0000]*$`), 'must not be blank or contain the NUL character')
    .max(max)
    .overwrite((s) => s.trim());
}
