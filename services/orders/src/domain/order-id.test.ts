import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { orderIdFor, requestHash } from './order-id.ts';

describe('order ids and request hashes', () => {
  it('the same user and Idempotency-Key always name the same order, a valid UUID', () => {
    const id = orderIdFor('user-1', 'key-123456');
    expect(orderIdFor('user-1', 'key-123456')).toBe(id);
    expect(z.uuid().safeParse(id).success).toBe(true);
  });

  it('another user with the same key names another order', () => {
    expect(orderIdFor('user-2', 'key-123456')).not.toBe(orderIdFor('user-1', 'key-123456'));
  });

  it('a body hash ignores key order and undefined fields but not values', () => {
    const a = requestHash({ items: [{ productId: 'p', quantity: 1 }], payment: { token: 't' } });
    const b = requestHash({ payment: { token: 't' }, items: [{ quantity: 1, productId: 'p' }], extra: undefined });
    expect(b).toBe(a);
    expect(requestHash({ items: [{ productId: 'p', quantity: 2 }], payment: { token: 't' } })).not.toBe(a);
  });
});
