import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CheckoutClient,
  checkoutClient,
  eventually,
  invariantViolations,
  productPool,
  providerLedger,
} from './support/checkout.ts';
import { serviceNames } from '../services/manifests.ts';
import { sidecarClientOf } from './support/sidecar.ts';
import { metricValue, startTestStack, type TestStack } from './support/stack.ts';
import { type Session, storefrontEnv } from './support/storefront.ts';

describe('checkout under concurrency, duplicate deliveries and crashes', () => {
  let stack: TestStack;
  let api: CheckoutClient;
  let users: Session[];
  let products: { id: string; priceCents: number }[];
  const pool = productPool(
    () => api,
    () => products,
  );
  const freshProduct = pool.take;
  const service = (name: 'orders' | 'payments' | 'notifications') => {
    const s = stack.services[name];
    if (!s) throw new Error(`${name} is not running`);
    return s;
  };
  /** Publishes a complete CloudEvent through a real sidecar; Dapr keeps its id, as a redelivery would. */
  const publish = async (from: 'orders' | 'payments', topic: string, event: object): Promise<void> => {
    await sidecarClientOf(service(from)).publish('pubsub', topic, event, {
      contentType: 'application/cloudevents+json',
    });
  };
  const query = async <T extends pg.QueryResultRow>(db: string, sql: string, params: unknown[]): Promise<T[]> => {
    const client = new pg.Client({ connectionString: stack.postgres.url(db) });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    stack = await startTestStack(serviceNames, {
      env: {
        ...storefrontEnv,
        gateway: { ...storefrontEnv.gateway, RATE_LIMIT_PER_USER: '100000' },
        orders: { ORDER_PAYMENT_DEADLINE_MS: '60000' },
        // debug: payments logs each event it handled ("event handled", with its id)
        payments: { PROVIDER_SLOW_MS: '2000', LOG_LEVEL: 'debug' },
      },
    });
    api = checkoutClient(stack);
    users = await Promise.all(Array.from({ length: 5 }, () => api.register()));
    products = await api.products(20);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('tok_slow is confirmed a few seconds later through the signed provider webhook', async () => {
    const user = users[0] as Session;
    const product = await freshProduct(2);
    const res = await api.placeOrder(user.accessToken, {
      items: [{ productId: product.id, quantity: 1 }],
      payment: { token: 'tok_slow' },
    });
    expect(res.body.status).toBe('PENDING');
    const order = await api.settled(user.accessToken, res.body.id);
    expect(order).toMatchObject({ status: 'CONFIRMED', payment: { status: 'captured' } });
  });

  it('a provider webhook without a valid signature is refused', async () => {
    const payments = service('payments');
    const res = await fetch(`http://127.0.0.1:${payments.appPort}/webhooks/provider`, {
      method: 'POST',
      headers: {
        'dapr-api-token': payments.tokens.appApiToken,
        'content-type': 'application/json',
        'x-provider-signature': `t=${Date.now()},v1=${'0'.repeat(64)}`,
      },
      body: JSON.stringify({ type: 'charge.updated', idempotencyKey: randomUUID() }),
    });
    expect(res.status).toBe(401);
  });

  it('50 parallel orders for a product with stock 20: exactly 20 confirmed, stock 0, the rest out_of_stock', async () => {
    const product = await freshProduct(20);
    const placed = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api.placeOrder((users[i % users.length] as Session).accessToken, {
          items: [{ productId: product.id, quantity: 1 }],
          payment: { token: 'tok_visa' },
        }),
      ),
    );
    expect(placed.map((r) => r.status)).toEqual(Array(50).fill(202));
    const settled = await Promise.all(
      placed.map((r, i) => api.settled((users[i % users.length] as Session).accessToken, r.body.id, 60_000)),
    );
    expect(settled.filter((o) => o.status === 'CONFIRMED')).toHaveLength(20);
    const cancelled = settled.filter((o) => o.status === 'CANCELLED');
    expect(cancelled).toHaveLength(30);
    expect(cancelled.every((o) => o.reason === 'out_of_stock')).toBe(true);
    expect(await api.stock(product.id)).toMatchObject({ onHand: 20, available: 0, reserved: 0, committed: 20 });
  });

  it('the same order event delivered twice to payments and notifications charges and notifies once', async () => {
    const orderId = randomUUID();
    const userId = (users[1] as Session).user.id;
    const event = {
      specversion: '1.0',
      id: `dup-${randomUUID()}`,
      source: 'orders',
      type: 'order.created',
      datacontenttype: 'application/json',
      data: {
        type: 'order.created',
        orderId,
        userId,
        status: 'PENDING',
        totalCents: 1234,
        currency: 'EUR',
        payment: { status: 'pending', amountCents: 1234 },
        paymentToken: 'tok_visa',
        at: new Date().toISOString(),
      },
    };
    await publish('orders', 'orders', event);
    await publish('orders', 'orders', event);

    const rows = await eventually('both deliveries to be handled', async () => {
      const found = await query<{ n: string }>(
        'notifications',
        'SELECT count(*) AS n FROM notifications WHERE event_id = $1',
        [event.id],
      );
      const charge = (await providerLedger(stack)).find((c) => c.orderId === orderId);
      return found[0]?.n === '1' && charge ? found : undefined;
    });
    expect(rows[0]?.n).toBe('1');
    // give the second delivery time to land, then count the effects
    await eventually('the payment record to show one handled event', async () => {
      const records = await query<{ value: { handledEvents: string[] } }>(
        'dapr_state',
        'SELECT value FROM payments_state WHERE key = $1',
        [`payments||payment-${orderId}`],
      );
      return records[0]?.value.handledEvents.length === 1 ? true : undefined;
    });
    expect((await providerLedger(stack)).filter((c) => c.orderId === orderId)).toHaveLength(1);
    const sent = await query<{ n: string }>(
      'notifications',
      "SELECT count(*) AS n FROM notifications WHERE event_id = $1 OR (data->>'orderId' = $2 AND type = 'order.created')",
      [event.id, orderId],
    );
    expect(sent[0]?.n).toBe('1');
  });

  it('an order cancelled before payments saw it created is never charged, even when order.created comes later', async () => {
    const orderId = randomUUID();
    const userId = (users[3] as Session).user.id;
    const orderEvent = (type: string, status: string) => ({
      specversion: '1.0',
      id: `${type}-${randomUUID()}`,
      source: 'orders',
      type,
      datacontenttype: 'application/json',
      data: {
        type,
        orderId,
        userId,
        status,
        totalCents: 4321,
        currency: 'EUR',
        payment: { status: 'pending', amountCents: 4321 },
        paymentToken: 'tok_visa',
        at: new Date().toISOString(),
      },
    });
    await publish('orders', 'orders', orderEvent('order.cancelled', 'CANCELLED'));
    await eventually('the cancellation to leave a voided payment', async () => {
      const records = await query<{ value: { status: string } }>(
        'dapr_state',
        'SELECT value FROM payments_state WHERE key = $1',
        [`payments||payment-${orderId}`],
      );
      return records[0]?.value.status === 'voided' ? true : undefined;
    });
    const created = orderEvent('order.created', 'PENDING');
    await publish('orders', 'orders', created);
    await eventually(`payments to handle ${created.id}`, async () =>
      readFileSync(service('payments').proc.logFile, 'utf8')
        .split('\n')
        .some((line) => line.includes('"event handled"') && line.includes(created.id))
        ? true
        : undefined,
    );
    // no money was taken and given back: the only charge for the key is the voided one the cancellation left
    const charges = (await providerLedger(stack)).filter((c) => c.orderId === orderId);
    expect(charges.map((c) => c.status)).toEqual(['voided']);
  });

  it('the same payment event delivered twice to orders changes the order once', async () => {
    const user = users[2] as Session;
    const product = await freshProduct(2);
    const res = await api.placeOrder(user.accessToken, {
      items: [{ productId: product.id, quantity: 1 }],
      payment: { token: 'tok_visa' },
    });
    await api.settled(user.accessToken, res.body.id);
    const event = {
      specversion: '1.0',
      id: `dup-${randomUUID()}`,
      source: 'payments',
      type: 'payment.voided',
      datacontenttype: 'application/json',
      data: { type: 'payment.voided', orderId: res.body.id, userId: user.user.id, status: 'voided' },
    };
    await publish('payments', 'payments', event);
    await publish('payments', 'payments', event);

    await eventually('the order to record the event', async () => {
      const order = await api.order(user.accessToken, res.body.id);
      return order.body.payment?.status === 'voided' ? true : undefined;
    });
    const updates = await eventually('the order.updated notification', async () => {
      const rows = await query<{ n: string }>(
        'notifications',
        "SELECT count(*) AS n FROM notifications WHERE data->>'orderId' = $1 AND type = 'order.updated'",
        [res.body.id],
      );
      return rows[0]?.n !== '0' ? rows : undefined;
    });
    const records = await query<{ value: { handledEvents: string[] } }>(
      'dapr_state',
      'SELECT value FROM orders_state WHERE key = $1',
      [`orders||order-${res.body.id}`],
    );
    expect(records[0]?.value.handledEvents.filter((id) => id === event.id)).toHaveLength(1);
    expect(updates[0]?.n).toBe('1');
  });

  it('an event no consumer can handle goes to the dead-letter topic instead of being retried for ever', async () => {
    const redis = new Redis(stack.redis.port, '127.0.0.1');
    // each consumer reads its dead-letter topics and counts what lands there (services/kit/src/dead-letters.ts)
    const counted = async () => {
      let sum = 0;
      for (const name of ['payments', 'notifications'] as const) {
        const text = await (await fetch(`http://127.0.0.1:${service(name).appPort}/metrics`)).text();
        sum += metricValue(text, 'shopstack_deadletter_events_total', { topic: 'orders-deadletter' });
      }
      return sum;
    };
    try {
      const before = await redis.xlen('orders-deadletter');
      const countedBefore = await counted();
      const envelope = {
        specversion: '1.0',
        source: 'orders',
        type: 'order.created',
        datacontenttype: 'application/json',
      };
      // malformed for both payments and notifications
      await publish('orders', 'orders', { ...envelope, id: `bad-${randomUUID()}`, data: { type: 'order.created' } });
      // well-formed, but the provider refuses the token: payments drops it
      await publish('orders', 'orders', {
        ...envelope,
        id: `refused-${randomUUID()}`,
        data: {
          type: 'order.created',
          orderId: randomUUID(),
          userId: (users[3] as Session).user.id,
          totalCents: 100,
          currency: 'EUR',
          payment: { status: 'pending', amountCents: 100 },
          paymentToken: 'tok_unknown_to_the_provider',
        },
      });
      const after = await eventually('three dead letters', async () => {
        const n = await redis.xlen('orders-deadletter');
        return n - before >= 3 ? n : undefined;
      });
      expect(after - before).toBe(3);
      // and every one is counted on /metrics, once
      await eventually('the dead letters counted', async () =>
        (await counted()) - countedBefore >= 3 ? true : undefined,
      );
      expect((await counted()) - countedBefore).toBe(3);
    } finally {
      redis.disconnect();
    }
  });

  for (const victim of ['app', 'sidecar'] as const) {
    it(`when payments' ${victim} is SIGKILLed mid-batch and restarted, every order settles once and stock balances`, async () => {
      const product = await freshProduct(100);
      const placing = Array.from({ length: 30 }, (_, i) =>
        api.placeOrder((users[i % users.length] as Session).accessToken, {
          items: [{ productId: product.id, quantity: 1 }],
          payment: { token: i % 3 === 0 ? 'tok_declined' : 'tok_visa' },
        }),
      );
      await new Promise((r) => setTimeout(r, 300));
      const payments = service('payments');
      (victim === 'app' ? payments.proc : payments.sidecar.proc).child.kill('SIGKILL');
      // restarted whatever the answers: a failure here must not leave payments down for the invariant test
      const placed = await Promise.all(placing).finally(() => stack.restartService('payments'));
      expect(placed.filter((r) => r.status !== 202).map((r) => [r.status, r.body])).toEqual([]);

      const settled = await Promise.all(
        placed.map((r, i) => api.settled((users[i % users.length] as Session).accessToken, r.body.id, 90_000)),
      );
      expect(settled.every((o) => o.status === 'CONFIRMED' || o.status === 'CANCELLED')).toBe(true);
      const ledger = await providerLedger(stack);
      for (const order of settled) {
        const charges = ledger.filter((c) => c.orderId === order.id);
        expect(charges.length).toBeLessThanOrEqual(1);
        if (order.status === 'CONFIRMED') expect(charges[0]?.status).toBe('succeeded');
      }
      const confirmed = settled.filter((o) => o.status === 'CONFIRMED').length;
      expect(await api.stock(product.id)).toMatchObject({ onHand: 100, reserved: 0, committed: confirmed });
    }, 180_000);
  }

  it('at the end every order is CONFIRMED or CANCELLED, no cancelled order keeps money, and stock balances', async () => {
    const ids = pool.taken();
    const violations = await eventually('the invariants to hold', async () => {
      const found = await invariantViolations(stack, ids);
      return found.length === 0 ? found : undefined;
    }).catch(() => invariantViolations(stack, ids));
    expect(violations).toEqual([]);
  });
});
