const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimal: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/**
 * The numeric value of a Kubernetes quantity ("500m" → 0.5, "1Gi" → 1073741824), or undefined when
 * `text` is not one. The API server rewrites quantities into canonical form ("0.5" → "500m"), so
 * comparisons between what we sent and what it stored must go through numbers.
 */
export function parseQuantity(text: string): number | undefined {
  const match = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9.]+)?$/.exec(text);
  if (!match) return undefined;
  const [, number = '', suffix = ''] = match;
  const value = Number(number);
  if (suffix.startsWith('e') || suffix.startsWith('E')) return value * 10 ** Number(suffix.slice(1));
  const factor = binary[suffix] ?? decimal[suffix];
  return factor === undefined ? undefined : value * factor;
}
