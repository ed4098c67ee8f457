import type { ShopContext } from '../context.ts';
import type { RandomSource } from '../secrets.ts';
import { type ShopStackSpecInput, shopStackSpecSchema } from '../spec.ts';

/** Predictable "random" values, numbered in the order they are asked for. */
export function countingRandom(): RandomSource & { readonly issued: string[] } {
  const issued: string[] = [];
  const next = (prefix: string): string => {
    const value = `${prefix}-${issued.length + 1}`;
    issued.push(value);
    return value;
  };
  return { issued, token: () => next('token') };
}

export function shopContext(spec: Partial<ShopStackSpecInput> = {}): ShopContext {
  return {
    name: 'demo',
    namespace: 'shop',
    managedBy: 'cdk8s',
    spec: shopStackSpecSchema.parse({ version: '1.2.3', ...spec }),
  };
}
