import type { Product } from '../domain/product.ts';

export const etagOf = (product: Product): string => `"${product.version}"`;

/**
 * The version an If-Match names: a number, `*`, or undefined when absent. A value that is no
 * ETag of ours can never match, so it reads as version 0 (→ 412).
 */
export function parseIfMatch(header: string | undefined): number | '*' | undefined {
  if (header === undefined) return undefined;
  if (header.trim() === '*') return '*';
  const match = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(header);
  return match?.[1] ? Number(match[1]) : 0;
}
