import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SidecarClient } from '@shopstack/kit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeSidecarPorts, type Sidecar, startSidecar } from '../scripts/local/daprd.ts';
import { freePort } from '../scripts/common/ports.ts';
import { type Proc, startProc, waitFor } from '../scripts/common/proc.ts';
import { componentsDir } from '../scripts/local/stack.ts';
import { callerHeaders } from '../services/kit/src/caller.ts';
import { eventually } from './support/checkout.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

const root = join(import.meta.dirname, '..');
const ORDERS_ENV = { ORDER_PAYMENT_DEADLINE_MS: '3000', EXPIRY_LEASE_MS: '2000' };

interface Replica {
  readonly proc: Proc;
  readonly sidecar: Sidecar;
}

/** A second orders replica with its own sidecar, joined to the stack's name resolution and pub/sub group. */
async function startOrdersReplica(stack: TestStack): Promise<Replica> {
  const tokens = stack.secrets.tokens.orders;
  if (!tokens) throw new Error('no orders tokens');
  const appPort = await freePort();
  const ports = await freeSidecarPorts();
  const proc = startProc({
    name: 'orders-2',
    command: process.execPath,
    args: [join(root, 'services/orders/src/main.ts')],
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      APP_PORT: String(appPort),
      APP_API_TOKEN: tokens.appApiToken,
      DAPR_HTTP_PORT: String(ports.http),
      DAPR_API_TOKEN: tokens.daprApiToken,
      ...ORDERS_ENV,
    },
    logFile: join(stack.dir, 'logs', 'orders-2.log'),
  });
  await waitFor(
    'orders-2 to listen',
    async () => ((await fetch(`http://127.0.0.1:${appPort}/healthz`)).ok ? true : undefined),
    {
      proc,
      timeoutMs: 60_000,
      intervalMs: 200,
    },
  );
  const dbUrl = `postgres://dapr_state:${encodeURIComponent(stack.secrets.databasePassword)}@127.0.0.1:${stack.postgres.port}/dapr_state`;
  const sidecar = await startSidecar({
    bin: stack.binaries.daprd,
    appId: 'orders',
    appPort,
    ports,
    configFile: join(componentsDir, 'config', 'orders.yaml'),
    resourcesDir: join(componentsDir, 'resources'),
    sentryAddress: stack.sentry.address,
    trustAnchors: stack.sentry.trustAnchors,
    daprApiToken: tokens.daprApiToken,
    appApiToken: tokens.appApiToken,
    cwd: stack.dir,
    env: {
      SHOPSTACK_SECRET_STATESTORE_CONNECTION_STRING: dbUrl,
      SHOPSTACK_SECRET_REDIS_HOST: `127.0.0.1:${stack.redis.port}`,
    },
    logFile: join(stack.dir, 'logs', 'daprd-orders-2.log'),
  });
  return { proc, sidecar };
}

const sweeps = (logFile: string): number =>
  readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.includes('unpaid orders expired')).length;

describe('expiry of unpaid orders with two orders replicas', () => {
  let stack: TestStack;
  let replica: Replica;
  let productId: string;
  const userId = `user-${randomUUID()}`;

  const query = async <T extends pg.QueryResultRow>(db: string, sql: string, params: unknown[] = []): Promise<T[]> => {
    const client = new pg.Client({ connectionString: stack.postgres.url(db) });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  /** Places an unpaid (tok_slow, settling far beyond the deadline) order through one replica's sidecar. */
  const placeVia = async (sidecarHttpPort: number): Promise<string> => {
    const apiToken = stack.secrets.tokens.orders?.daprApiToken ?? '';
    const res = await new SidecarClient({ host: '127.0.0.1', httpPort: sidecarHttpPort, apiToken }).invoke('orders', {
      method: 'POST',
      path: 'orders',
      headers: { 'idempotency-key': randomUUID(), ...callerHeaders({ id: userId, roles: [] }) },
      body: { items: [{ productId, quantity: 1 }], payment: { token: 'tok_slow' } },
    });
    const body = JSON.parse(res.body) as { id: string; status: string };
    if (res.status !== 202 || body.status !== 'PENDING')
      throw new Error(`order answered ${res.status}: ${JSON.stringify(body)}`);
    return body.id;
  };
  const allExpired = (ids: readonly string[]) =>
    eventually(
      'the orders to expire',
      async () => {
        const rows = await query<{ status: string; reason: string | null }>(
          'dapr_state',
          "SELECT value->>'status' AS status, value->>'reason' AS reason FROM orders_state WHERE key = ANY($1)",
          [ids.map((id) => `orders||order-${id}`)],
        );
        if (rows.length === ids.length && rows.every((r) => r.status === 'CANCELLED' && r.reason === 'expired')) {
          return rows;
        }
        // on a timeout, the message says where the orders are instead
        throw new Error(`${rows.length} of ${ids.length} orders: ${rows.map((r) => r.reason ?? r.status).join(', ')}`);
      },
      30_000,
    );

  beforeAll(async () => {
    stack = await startTestStack(['catalog', 'inventory', 'orders', 'payments', 'notifications'], {
      env: { orders: ORDERS_ENV, payments: { PROVIDER_SLOW_MS: '600000' } },
    });
    replica = await startOrdersReplica(stack);
    const [product] = await query<{ id: string }>('catalog', 'SELECT id FROM products ORDER BY sku LIMIT 1');
    productId = product?.id ?? '';
    await query('inventory', 'INSERT INTO stock (product_id, on_hand) VALUES ($1, 100)', [productId]);
  });

  afterAll(async () => {
    await replica?.proc.stop();
    await replica?.sidecar.stop();
    await stack?.stop();
  });

  it('every overdue order is cancelled once, by the replica that holds the lease, and its stock released', async () => {
    const first = stack.services.orders?.sidecar.ports.http ?? 0;
    const ids = await Promise.all(
      Array.from({ length: 10 }, (_, i) => placeVia(i % 2 ? replica.sidecar.ports.http : first)),
    );
    await allExpired(ids);

    const cancelled = await eventually('one order.cancelled notification per order', async () => {
      const rows = await query<{ order_id: string; n: string }>(
        'notifications',
        "SELECT data->>'orderId' AS order_id, count(*) AS n FROM notifications WHERE type = 'order.cancelled' AND data->>'orderId' = ANY($1) GROUP BY 1",
        [ids],
      );
      return rows.length === ids.length ? rows : undefined;
    });
    expect(cancelled.every((r) => r.n === '1')).toBe(true);
    const [stock] = await query('inventory', 'SELECT on_hand, reserved, available FROM stock WHERE product_id = $1', [
      productId,
    ]);
    expect(stock).toEqual({ on_hand: 100, reserved: 0, available: 100 });
    const bySweeper = [sweeps(stack.services.orders?.proc.logFile ?? ''), sweeps(replica.proc.logFile)];
    expect(bySweeper.filter((n) => n > 0)).toHaveLength(1);
  });

  it('when the replica holding the lease dies, the other takes over the expiry after the lease runs out', async () => {
    const firstSwept = sweeps(stack.services.orders?.proc.logFile ?? '') > 0;
    const holder = firstSwept ? stack.services.orders?.proc : replica.proc;
    const survivor = firstSwept ? replica : stack.services.orders;
    if (!holder || !survivor) throw new Error('replicas missing');
    holder.child.kill('SIGKILL');
    await holder.exited;

    const ids = await Promise.all(Array.from({ length: 4 }, () => placeVia(survivor.sidecar.ports.http)));
    await allExpired(ids);
    expect(sweeps(survivor.proc.logFile)).toBeGreaterThan(0);
  });
});
