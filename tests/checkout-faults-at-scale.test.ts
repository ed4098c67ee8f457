import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceNames } from '../services/manifests.ts';
import { allOrders, type CheckoutClient, checkoutClient, eventually, providerLedger } from './support/checkout.ts';
import { describeFault, type Fault, type FaultInjector, faultInjector } from './support/faults.ts';
import { startTestStack, type TestStack } from './support/stack.ts';
import { type Session, storefrontEnv } from './support/storefront.ts';

/** Orders in one run: 300 in `npm test`; the soak command in README.md sets more. */
const ORDERS = Number(process.env.SHOPSTACK_FAULT_ORDERS ?? 300);
const IN_FLIGHT = 6;
const PRODUCTS = 10;
/** Less stock than orders, so that some are cancelled out of stock. */
const STOCK_PER_PRODUCT = Math.ceil((ORDERS * 1.3) / PRODUCTS);
/** One SIGKILL of each app and each sidecar, then a restart of Postgres and of Redis. */
const faults: readonly Fault[] = [
  ...serviceNames.flatMap((service) => [
    { kind: 'kill-app' as const, service },
    { kind: 'kill-sidecar' as const, service },
  ]),
  { kind: 'restart-postgres' },
  { kind: 'restart-redis' },
];

interface Accepted {
  readonly id: string;
  readonly user: Session;
}

const token = (i: number): string => (i % 10 < 7 ? 'tok_visa' : i % 10 < 9 ? 'tok_declined' : 'tok_slow');

async function query<T extends pg.QueryResultRow>(stack: TestStack, db: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: stack.postgres.url(db) });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe(`checkout with ${ORDERS} orders while every app, sidecar, Postgres and Redis fail in turn`, () => {
  let stack: TestStack;
  let api: CheckoutClient;
  let injector: FaultInjector;
  let users: Session[];
  let products: string[];

  beforeAll(async () => {
    stack = await startTestStack(serviceNames, {
      env: {
        ...storefrontEnv,
        gateway: { ...storefrontEnv.gateway, RATE_LIMIT_PER_USER: '1000000' },
        orders: { ORDER_PAYMENT_DEADLINE_MS: '60000' },
        payments: { PROVIDER_SLOW_MS: '2000' },
      },
    });
    api = checkoutClient(stack);
    injector = faultInjector(stack);
    users = await Promise.all(Array.from({ length: 8 }, () => api.register()));
    products = (await api.products(PRODUCTS)).map((p) => p.id);
    for (const id of products) await api.setStock(id, STOCK_PER_PRODUCT);
  });

  afterAll(async () => {
    await stack?.stop();
    await injector?.stop();
  });

  /** Sends the request until the shop answers it, with the same Idempotency-Key, as a client does through an outage. */
  async function untilAnswered<T>(what: string, send: () => Promise<{ status: number; body: T }>): Promise<T> {
    return eventually(
      what,
      async () => {
        const res = await send().catch(() => ({ status: 0, body: undefined as T }));
        if (res.status === 0 || res.status === 429 || res.status >= 500) return undefined;
        if (res.status !== 202) throw new Error(`${what} answered ${res.status}: ${JSON.stringify(res.body)}`);
        return res.body;
      },
      180_000,
    );
  }

  it(
    'every accepted order ends in one terminal state, nothing is charged twice, money and stock balance',
    { timeout: 1_800_000 },
    async () => {
      const accepted: Accepted[] = [];
      let placed = 0;
      const began = Date.now();
      const place = async (i: number): Promise<void> => {
        const user = users[i % users.length] as Session;
        const key = randomUUID();
        const body = {
          items: [{ productId: products[i % products.length] as string, quantity: 1 + (i % 2) }],
          payment: { token: token(i) },
        };
        const order = await untilAnswered(`order ${i}`, () => api.placeOrder(user.accessToken, body, key));
        accepted.push({ id: (order as { id: string }).id, user });
        placed += 1;
        // every tenth order is cancelled by its customer: before or after confirmation, whichever comes first
        if (i % 10 === 5) {
          await untilAnswered(`cancel of order ${i}`, () =>
            api.call('POST', `/api/v1/orders/${(order as { id: string }).id}/cancel`, { token: user.accessToken }),
          );
        }
      };
      const driver = (async () => {
        let next = 0;
        await Promise.all(
          Array.from({ length: IN_FLIGHT }, async () => {
            while (next < ORDERS) await place(next++);
          }),
        );
      })();
      // faults spread over the run, one at a time, each waited out before the next
      const chaos = (async () => {
        for (const [k, fault] of faults.entries()) {
          await eventually(
            'the run to reach the next fault',
            async () => (placed >= ((k + 1) * ORDERS) / (faults.length + 1) ? true : undefined),
            600_000,
          );
          await injector.inject(fault);
        }
      })();
      await Promise.all([driver, chaos]);
      const placedAt = Date.now();

      const ids = new Set(accepted.map((a) => a.id));
      const orders = await eventually(
        'every accepted order to settle',
        async () => {
          const all = (await allOrders(stack)).filter((o) => ids.has(o.id));
          return all.length === ids.size && all.every((o) => o.status !== 'PENDING') ? all : undefined;
        },
        180_000,
      ).catch(async () => (await allOrders(stack)).filter((o) => ids.has(o.id)));
      const settleSeconds = (Date.now() - placedAt) / 1000;

      const violations: string[] = [];
      // every accepted order reaches exactly one terminal state
      const records = new Map<string, number>();
      for (const o of orders) records.set(o.id, (records.get(o.id) ?? 0) + 1);
      for (const id of ids)
        if (records.get(id) !== 1) violations.push(`order ${id} has ${records.get(id) ?? 0} records`);
      for (const o of orders) if (o.status === 'PENDING') violations.push(`order ${o.id} is still PENDING`);

      // no order is charged twice; captured and refunded money matches confirmed and cancelled orders
      const ledger = await providerLedger(stack);
      const charges = new Map<string, (typeof ledger)[number][]>();
      for (const c of ledger) charges.set(c.orderId, [...(charges.get(c.orderId) ?? []), c]);
      for (const [orderId, list] of charges) {
        if (list.length > 1) violations.push(`order ${orderId} was charged ${list.length} times`);
      }
      const amount = (c: unknown): number => (c as { amountCents: number }).amountCents;
      let captured = 0;
      let refunded = 0;
      let confirmedTotal = 0;
      let refundedOrdersTotal = 0;
      for (const o of orders) {
        const charge = charges.get(o.id)?.[0];
        if (o.status === 'CONFIRMED') {
          confirmedTotal += o.totalCents;
          if (charge?.status !== 'succeeded') violations.push(`confirmed order ${o.id} has charge ${charge?.status}`);
        }
        if (o.status === 'CANCELLED' && charge?.status === 'succeeded') {
          violations.push(`cancelled order ${o.id} kept its payment`);
        }
        if (o.status === 'CANCELLED' && charge?.status === 'refunded') refundedOrdersTotal += o.totalCents;
      }
      for (const c of ledger) {
        if (!ids.has(c.orderId)) violations.push(`charge for ${c.orderId}, which is no accepted order`);
        if (c.status === 'succeeded') captured += amount(c);
        if (c.status === 'refunded') refunded += amount(c);
      }
      if (captured !== confirmedTotal) violations.push(`captured ${captured} ≠ confirmed orders' ${confirmedTotal}`);
      if (refunded !== refundedOrdersTotal) {
        violations.push(`refunded ${refunded} ≠ refunded cancelled orders' ${refundedOrdersTotal}`);
      }

      // stock balances, nothing is reserved at rest, and what is committed is what confirmed orders bought
      const sold = new Map<string, number>();
      for (const o of orders.filter((x) => x.status === 'CONFIRMED'))
        for (const item of o.items) sold.set(item.productId, (sold.get(item.productId) ?? 0) + item.quantity);
      const stock = await query<{
        product_id: string;
        on_hand: number;
        available: number;
        reserved: number;
        committed: number;
      }>(stack, 'inventory', `SELECT product_id, on_hand, available, reserved, committed FROM stock`);
      for (const s of stock.filter((row) => products.includes(row.product_id))) {
        if (s.on_hand !== s.available + s.reserved + s.committed)
          violations.push(`stock ${JSON.stringify(s)} does not balance`);
        if (s.reserved !== 0) violations.push(`stock of ${s.product_id} still has ${s.reserved} reserved`);
        if (s.committed !== (sold.get(s.product_id) ?? 0)) {
          violations.push(
            `stock of ${s.product_id} committed ${s.committed}, confirmed orders bought ${sold.get(s.product_id) ?? 0}`,
          );
        }
      }

      // every notification is delivered at most once per event id
      const repeated = await query<{ event_id: string; n: string }>(
        stack,
        'notifications',
        'SELECT event_id, count(*) AS n FROM notifications GROUP BY event_id HAVING count(*) > 1',
      );
      for (const r of repeated) violations.push(`event ${r.event_id} was notified ${r.n} times`);

      // nothing is left on a dead-letter topic
      const redis = new Redis(stack.redis.port, '127.0.0.1');
      try {
        for (const topic of await redis.keys('*deadletter*')) {
          const n = await redis.xlen(topic);
          if (n > 0) violations.push(`${n} entries on ${topic}`);
        }
      } finally {
        redis.disconnect();
      }

      // no process ended by itself (e.g. on Postgres or Redis restarting): the faults above are the only ends
      for (const [name, running] of Object.entries(stack.services)) {
        if (running?.proc.child.exitCode !== null) violations.push(`${name}'s app exited by itself`);
        if (running?.sidecar.proc.child.exitCode !== null) violations.push(`${name}'s sidecar exited by itself`);
      }

      const confirmed = orders.filter((o) => o.status === 'CONFIRMED').length;
      console.log(
        `fault run: ${ORDERS} orders (${ids.size} accepted, ${confirmed} confirmed, ${orders.length - confirmed} cancelled) ` +
          `in ${((placedAt - began) / 1000).toFixed(0)}s; faults: ${faults.map(describeFault).join(', ')} ` +
          `(${faults.length - 2} SIGKILLs, 2 restarts); settled ${settleSeconds.toFixed(1)}s after the last order; ` +
          `captured ${captured}, refunded ${refunded}; violations ${violations.length}`,
      );
      expect(ids.size).toBe(ORDERS);
      expect(violations).toEqual([]);
    },
  );
});
