import { describe, expect, it } from 'vitest';
import { normalizeItems, sameItems } from './reservation.ts';

describe('reservation items', () => {
  it('lines of one product are merged and lines are sorted by product id (one lock order for all)', () => {
    const items = normalizeItems([
      { productId: 'b', quantity: 1 },
      { productId: 'a', quantity: 2 },
      { productId: 'b', quantity: 3 },
    ]);
    expect(items).toEqual([
      { productId: 'a', quantity: 2 },
      { productId: 'b', quantity: 4 },
    ]);
  });

  it('the same items in another order are the same reservation; another quantity is not', () => {
    const a = normalizeItems([
      { productId: 'x', quantity: 1 },
      { productId: 'y', quantity: 1 },
    ]);
    const b = normalizeItems([
      { productId: 'y', quantity: 1 },
      { productId: 'x', quantity: 1 },
    ]);
    expect(sameItems(a, b)).toBe(true);
    expect(
      sameItems(
        a,
        normalizeItems([
          { productId: 'x', quantity: 2 },
          { productId: 'y', quantity: 1 },
        ]),
      ),
    ).toBe(false);
  });
});
