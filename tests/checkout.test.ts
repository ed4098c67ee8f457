import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CheckoutClient,
  checkoutClient,
  eventually,
  invariantViolations,
  productPool,
  providerLedger,
  readEvents,
} from './support/checkout.ts';
import { serviceNames } from '../services/manifests.ts';
import { sidecarClientOf } from './support/sidecar.ts';
import { startTestStack, type TestStack } from './support/stack.ts';
import { type Session, storefrontEnv } from './support/storefront.ts';

describe('checkout saga through the gateway', () => {
  let stack: TestStack;
  let api: CheckoutClient;
  let alice: Session;
  let bob: Session;
  let products: { id: string; priceCents: number }[];
  const pool = productPool(
    () => api,
    () => products,
  );
  const freshProduct = pool.take;

  beforeAll(async () => {
    stack = await startTestStack(serviceNames, {
      env: {
        ...storefrontEnv,
        gateway: { ...storefrontEnv.gateway, RATE_LIMIT_PER_USER: '100000' },
        // an unpaid order expires after 6 s; tok_slow settles after 12 s, so it is the unpaid case; stock
        // held for 8 s by an order id with no order is an orphan
        orders: { ORDER_PAYMENT_DEADLINE_MS: '6000', RESERVATION_ORPHAN_AFTER_MS: '8000' },
        payments: { PROVIDER_SLOW_MS: '12000' },
      },
    });
    api = checkoutClient(stack);
    [alice, bob] = await Promise.all([api.register(), api.register()]);
    products = await api.products(20);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('a paid order is CONFIRMED, its stock committed, and order.confirmed reaches its user over SSE', async () => {
    const product = await freshProduct(5);
    let orderId = '';
    const events = await readEvents(stack, alice.accessToken, {
      onOpen: async () => {
        const res = await api.placeOrder(alice.accessToken, {
          items: [{ productId: product.id, quantity: 2 }],
          payment: { token: 'tok_visa' },
        });
        expect(res.status).toBe(202);
        expect(res.headers.get('location')).toBe(`/api/v1/orders/${res.body.id}`);
        expect(res.body).toMatchObject({ status: 'PENDING', totalCents: 2 * product.priceCents });
        orderId = res.body.id;
      },
      until: (seen) => seen.some((e) => e.event === 'order.confirmed'),
    });

    const confirmed = events.find((e) => e.event === 'order.confirmed');
    expect(confirmed?.data).toMatchObject({ orderId, status: 'CONFIRMED' });
    expect(Number(confirmed?.id)).toBeGreaterThan(0);
    expect(JSON.stringify(events)).not.toContain('paymentToken');
    const order = await api.settled(alice.accessToken, orderId);
    expect(order).toMatchObject({ status: 'CONFIRMED', payment: { status: 'captured' } });
    expect(await api.stock(product.id)).toMatchObject({ onHand: 5, available: 3, reserved: 0, committed: 2 });
  });

  it('the events of a confirmed then cancelled order all reach their consumers: none lands on a dead-letter topic', async () => {
    // a routing rule without a default route sends the events it does not match to the dead-letter topic
    const redis = new Redis(stack.redis.port, '127.0.0.1');
    try {
      const deadLetters = async (): Promise<number> =>
        (await redis.xlen('orders-deadletter').catch(() => 0)) +
        (await redis.xlen('payments-deadletter').catch(() => 0));
      const before = await deadLetters();
      const product = await freshProduct(2);
      const paid = await api.placeOrder(bob.accessToken, {
        items: [{ productId: product.id, quantity: 1 }],
        payment: { token: 'tok_visa' },
      });
      await api.settled(bob.accessToken, paid.body.id);
      await api.call('POST', `/api/v1/orders/${paid.body.id}/cancel`, { token: bob.accessToken });
      await eventually('the refund to be recorded on the order', async () => {
        const res = await api.order(bob.accessToken, paid.body.id);
        return res.body.payment?.status === 'refunded' ? true : undefined;
      });
      expect((await deadLetters()) - before).toBe(0);
    } finally {
      redis.disconnect();
    }
  });

  it('when the payment is declined, the order is CANCELLED (payment_declined) and the stock is released', async () => {
    const product = await freshProduct(3);
    const res = await api.placeOrder(alice.accessToken, {
      items: [{ productId: product.id, quantity: 1 }],
      payment: { token: 'tok_declined' },
    });
    expect(res.status).toBe(202);

    const order = await api.settled(alice.accessToken, res.body.id);
    expect(order).toMatchObject({ status: 'CANCELLED', reason: 'payment_declined', payment: { status: 'declined' } });
    expect(await api.stock(product.id)).toMatchObject({ onHand: 3, available: 3, reserved: 0 });
  });

  it('an order for more than is in stock is CANCELLED (out_of_stock) at once and holds nothing, even when replayed after a restock', async () => {
    const product = await freshProduct(1);
    const key = randomUUID();
    const body = { items: [{ productId: product.id, quantity: 2 }], payment: { token: 'tok_visa' } };
    const res = await api.placeOrder(alice.accessToken, body, key);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'CANCELLED', reason: 'out_of_stock', payment: null });
    expect(await api.stock(product.id)).toMatchObject({ onHand: 1, available: 1, reserved: 0 });

    await api.setStock(product.id, 5);
    const replay = await api.placeOrder(alice.accessToken, body, key);
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ id: res.body.id, status: 'CANCELLED', reason: 'out_of_stock' });
    expect(await api.stock(product.id)).toMatchObject({ onHand: 5, available: 5, reserved: 0 });
  });

  it('an unpaid order past its deadline is CANCELLED (expired), its stock restored, and no money is kept', async () => {
    const product = await freshProduct(4);
    const res = await api.placeOrder(alice.accessToken, {
      items: [{ productId: product.id, quantity: 3 }],
      payment: { token: 'tok_slow' },
    });
    expect(res.status).toBe(202);
    expect(await api.stock(product.id)).toMatchObject({ available: 1, reserved: 3 });

    const order = await api.settled(alice.accessToken, res.body.id, 20_000);
    expect(order).toMatchObject({ status: 'CANCELLED', reason: 'expired' });
    expect(await api.stock(product.id)).toMatchObject({ onHand: 4, available: 4, reserved: 0 });
    const charge = await eventually('the pending charge to be voided', async () => {
      const found = (await providerLedger(stack)).find((c) => c.orderId === res.body.id);
      return found?.status === 'voided' ? found : undefined;
    });
    expect(charge.status).toBe('voided');
  });

  it('stock reserved for an order whose write never committed is released by the sweep, and a live order keeps its own', async () => {
    // GIVEN orders reserved stock for an order it then never stored (as if it died between the two steps),
    // and a real order for the same product still waits for its slow payment
    const product = await freshProduct(5);
    const orphan = randomUUID();
    const reserved = await sidecarClientOf(stack.services.orders!).invoke('inventory', {
      method: 'POST',
      path: `reservations/${orphan}`,
      body: { items: [{ productId: product.id, quantity: 2 }] },
    });
    expect(JSON.parse(reserved.body)).toMatchObject({ status: 'reserved', created: true });
    const live = await api.placeOrder(alice.accessToken, {
      items: [{ productId: product.id, quantity: 1 }],
      payment: { token: 'tok_visa' },
    });
    expect(live.status).toBe(202);

    // WHEN the orphan has been held for longer than RESERVATION_ORPHAN_AFTER_MS (8 s)
    const stock = await eventually(
      'the orphaned units back on sale',
      async () => {
        const now = await api.stock(product.id);
        return now.available === 4 ? now : undefined;
      },
      30_000,
    );

    // THEN only the orphan's 2 units came back: the confirmed order's unit stays sold
    expect(stock).toMatchObject({ onHand: 5, reserved: 0, available: 4 });
    expect(await api.settled(alice.accessToken, live.body.id, 20_000)).toMatchObject({ status: 'CONFIRMED' });
  });

  it('a customer cancelling before confirmation releases the stock; after confirmation the payment is refunded', async () => {
    const product = await freshProduct(5);
    const slow = await api.placeOrder(alice.accessToken, {
      items: [{ productId: product.id, quantity: 1 }],
      payment: { token: 'tok_slow' },
    });
    const cancelled = await api.call('POST', `/api/v1/orders/${slow.body.id}/cancel`, { token: alice.accessToken });
    expect(cancelled.status).toBe(202);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', reason: 'customer' });

    const paid = await api.placeOrder(alice.accessToken, {
      items: [{ productId: product.id, quantity: 2 }],
      payment: { token: 'tok_visa' },
    });
    await api.settled(alice.accessToken, paid.body.id);
    const refunded = await api.call('POST', `/api/v1/orders/${paid.body.id}/cancel`, { token: alice.accessToken });
    expect(refunded.body).toMatchObject({ status: 'CANCELLED', reason: 'customer' });

    await eventually('the refund to be recorded on the order', async () => {
      const res = await api.order(alice.accessToken, paid.body.id);
      return res.body.payment?.status === 'refunded' ? true : undefined;
    });
    const ledger = await providerLedger(stack);
    expect(ledger.find((c) => c.orderId === paid.body.id)?.status).toBe('refunded');
    expect(await api.stock(product.id)).toMatchObject({ onHand: 5, available: 5, reserved: 0, committed: 0 });
  });

  it('the same Idempotency-Key with the same body returns the same order; with another body it is a 422', async () => {
    const product = await freshProduct(10);
    const key = randomUUID();
    const body = { items: [{ productId: product.id, quantity: 1 }], payment: { token: 'tok_visa' } };
    const [first, second] = await Promise.all([
      api.placeOrder(alice.accessToken, body, key),
      api.placeOrder(alice.accessToken, body, key),
    ]);
    const third = await api.placeOrder(alice.accessToken, body, key);
    expect([first.status, second.status, third.status]).toEqual([202, 202, 202]);
    expect(second.body.id).toBe(first.body.id);
    expect(third.body.id).toBe(first.body.id);

    const other = await api.placeOrder(
      alice.accessToken,
      { items: [{ productId: product.id, quantity: 2 }], payment: { token: 'tok_visa' } },
      key,
    );
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toContain('application/problem+json');
    await api.settled(alice.accessToken, first.body.id);
    expect(await api.stock(product.id)).toMatchObject({ committed: 1, reserved: 0, available: 9 });
  });

  it("another user's order is a 404, and lists show only the caller's orders", async () => {
    const product = await freshProduct(2);
    const res = await api.placeOrder(alice.accessToken, {
      items: [{ productId: product.id, quantity: 1 }],
      payment: { token: 'tok_visa' },
    });
    expect((await api.order(bob.accessToken, res.body.id)).status).toBe(404);
    const cancel = await api.call('POST', `/api/v1/orders/${res.body.id}/cancel`, { token: bob.accessToken });
    expect(cancel.status).toBe(404);
    const bobs = await api.call('GET', '/api/v1/orders', { token: bob.accessToken });
    expect(bobs.status).toBe(200);
    expect(bobs.body.items.map((o: { id: string }) => o.id)).not.toContain(res.body.id);
    const alices = await api.call('GET', '/api/v1/orders?limit=100', { token: alice.accessToken });
    expect(alices.body.items.map((o: { id: string }) => o.id)).toContain(res.body.id);
  });

  it('malformed bodies, a missing Idempotency-Key and an unknown payment token are 400 problems', async () => {
    const product = await freshProduct(2);
    const cases = [
      api.placeOrder(alice.accessToken, {
        items: [{ productId: 'nope', quantity: 1 }],
        payment: { token: 'tok_visa' },
      }),
      api.placeOrder(alice.accessToken, {
        items: [{ productId: product.id, quantity: 0 }],
        payment: { token: 'tok_visa' },
      }),
      api.placeOrder(alice.accessToken, { items: [{ productId: product.id, quantity: 1 }] }),
      api.placeOrder(alice.accessToken, {
        items: [{ productId: product.id, quantity: 1 }],
        payment: { token: 'tok_visa' },
        extra: 1,
      }),
      api.placeOrder(
        alice.accessToken,
        { items: [{ productId: product.id, quantity: 1 }], payment: { token: 'tok_visa' } },
        '',
      ),
      api.placeOrder(alice.accessToken, {
        items: [{ productId: product.id, quantity: 1 }],
        payment: { token: 'tok_fake' },
      }),
      api.call('POST', '/api/v1/orders', {
        token: alice.accessToken,
        raw: '{not json',
        headers: { 'idempotency-key': randomUUID() },
      }),
    ];
    const answers = await Promise.all(cases);
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(answers[5]?.body.errors?.[0]?.path).toBe('payment.token');
    expect(await api.stock(product.id)).toMatchObject({ available: 2, reserved: 0 });
  });

  it('checking out the cart orders its items and empties it', async () => {
    const product = await freshProduct(3);
    const put = await api.call('PUT', `/api/v1/cart/items/${product.id}`, {
      token: bob.accessToken,
      body: { quantity: 2 },
    });
    expect(put.status).toBe(200);
    const res = await api.placeOrder(bob.accessToken, { payment: { token: 'tok_visa' } });
    expect(res.status).toBe(202);
    expect(res.body.items).toEqual([{ productId: product.id, quantity: 2, unitPriceCents: product.priceCents }]);
    const cart = await api.call('GET', '/api/v1/cart', { token: bob.accessToken });
    expect(cart.body.items).toEqual([]);
    expect((await api.settled(bob.accessToken, res.body.id)).status).toBe('CONFIRMED');
  });

  it('SSE resumes after Last-Event-ID and a user never sees another user’s events', async () => {
    const before = await readEvents(stack, alice.accessToken, { lastEventId: '0', until: (e) => e.length >= 2 });
    const resumed = await readEvents(stack, alice.accessToken, {
      lastEventId: before[0]?.id,
      until: (e) => e.length >= 1,
    });
    expect(resumed[0]?.id).toBe(before[1]?.id);
    const bobs = await readEvents(stack, bob.accessToken, { lastEventId: '0', until: (e) => e.length >= 1 });
    expect(bobs.every((e) => e.data.userId === bob.user.id)).toBe(true);
    expect(before.every((e) => e.data.userId === alice.user.id)).toBe(true);
  });

  it('at the end every order is CONFIRMED or CANCELLED, no money is kept for a cancelled one, and stock balances', async () => {
    const ids = pool.taken();
    const violations = await eventually(
      'the invariants to hold',
      async () => {
        const found = await invariantViolations(stack, ids);
        return found.length === 0 ? found : undefined;
      },
      30_000,
    ).catch(async () => invariantViolations(stack, ids));
    expect(violations).toEqual([]);
  });
});
