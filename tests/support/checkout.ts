import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { TestStack } from './stack.ts';
import { ADMIN, apiClient, type Session } from './storefront.ts';

export interface Order {
  id: string;
  status: 'PENDING' | 'CONFIRMED' | 'CANCELLED';
  reason?: string;
  items: { productId: string; quantity: number; unitPriceCents: number }[];
  totalCents: number;
  payment: { status: string; amountCents: number } | null;
}

export interface Stock {
  onHand: number;
  available: number;
  reserved: number;
  committed: number;
}

/** Polls `probe` until it returns a value, or fails after `timeoutMs` naming `what`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

/** The public API as the checkout tests use it. */
export function checkoutClient(
  stack: Pick<TestStack, 'gatewayUrl'>,
  adminUser: { email: string; password: string } = ADMIN,
) {
  const api = apiClient(stack);
  let admin: Session | undefined;
  const adminToken = async (): Promise<string> => {
    admin ??= await api.login(adminUser.email, adminUser.password);
    return admin.accessToken;
  };
  return {
    ...api,
    async products(count: number): Promise<{ id: string; priceCents: number }[]> {
      const res = await api.call('GET', `/api/v1/products?limit=${count}`);
      return res.body.items;
    },
    async setStock(productId: string, onHand: number): Promise<void> {
      const res = await api.call('PUT', `/api/v1/inventory/${productId}`, {
        body: { onHand },
        token: await adminToken(),
      });
      if (res.status !== 200) throw new Error(`set stock answered ${res.status}: ${JSON.stringify(res.body)}`);
    },
    async stock(productId: string): Promise<Stock> {
      const res = await api.call('GET', `/api/v1/inventory/${productId}`, { token: await adminToken() });
      return res.body;
    },
    placeOrder(token: string, body: unknown, key: string | undefined = randomUUID()) {
      return api.call('POST', '/api/v1/orders', { token, body, headers: key ? { 'idempotency-key': key } : {} });
    },
    order(token: string, id: string) {
      return api.call('GET', `/api/v1/orders/${id}`, { token });
    },
    /** Waits until the order leaves PENDING (or reaches `status`). */
    async settled(token: string, id: string, timeoutMs = 30_000): Promise<Order> {
      return eventually(
        `order ${id} to settle`,
        async () => {
          const res = await api.call('GET', `/api/v1/orders/${id}`, { token });
          return res.status === 200 && res.body.status !== 'PENDING' ? (res.body as Order) : undefined;
        },
        timeoutMs,
      );
    },
  };
}

export type CheckoutClient = ReturnType<typeof checkoutClient>;

export interface LedgerCharge {
  orderId: string;
  status: 'pending' | 'succeeded' | 'declined' | 'voided' | 'refunded';
}

/** The simulated provider's ledger, read from the payments state table (tests only). */
export async function providerLedger(stack: TestStack): Promise<LedgerCharge[]> {
  const client = new pg.Client({ connectionString: stack.postgres.url('dapr_state') });
  await client.connect();
  try {
    const { rows } = await client.query<{ value: LedgerCharge }>(
      "SELECT value FROM payments_state WHERE key LIKE 'payments||provider-charge-%'",
    );
    return rows.map((r) => r.value);
  } finally {
    await client.end();
  }
}

/** Every order ever stored (tests only). */
export async function allOrders(stack: TestStack): Promise<(Order & { userId: string })[]> {
  const client = new pg.Client({ connectionString: stack.postgres.url('dapr_state') });
  await client.connect();
  try {
    const { rows } = await client.query<{ value: Order & { userId: string } }>(
      "SELECT value FROM orders_state WHERE key LIKE 'orders||order-%'",
    );
    return rows.map((r) => r.value);
  } finally {
    await client.end();
  }
}

/** The invariants of DESIGN.md over the whole stack; returns the violations. */
export async function invariantViolations(stack: TestStack, productIds: readonly string[]): Promise<string[]> {
  const violations: string[] = [];
  const orders = await allOrders(stack);
  const charges = new Map((await providerLedger(stack)).map((c) => [c.orderId, c]));
  for (const order of orders) {
    if (order.status === 'PENDING') violations.push(`order ${order.id} is still PENDING`);
    const charge = charges.get(order.id);
    if (order.status === 'CONFIRMED' && charge?.status !== 'succeeded') {
      violations.push(`confirmed order ${order.id} has charge ${charge?.status}`);
    }
    if (order.status === 'CANCELLED' && charge?.status === 'succeeded') {
      violations.push(`cancelled order ${order.id} kept its payment`);
    }
  }
  const db = new pg.Client({ connectionString: stack.postgres.url('inventory') });
  await db.connect();
  try {
    const { rows } = await db.query(
      'SELECT product_id, on_hand, available, reserved, committed FROM stock WHERE product_id = ANY($1)',
      [productIds],
    );
    for (const s of rows) {
      if (s.on_hand !== s.available + s.reserved + s.committed || s.available < 0) {
        violations.push(`stock of ${s.product_id} does not balance: ${JSON.stringify(s)}`);
      }
    }
    const held = await db.query(`SELECT r.order_id, r.status FROM reservations r WHERE r.status IN ('reserved')`);
    for (const r of held.rows) violations.push(`reservation of ${r.order_id} is still held`);
  } finally {
    await db.end();
  }
  return violations;
}

/** Reads Server-Sent Events from the gateway until `until` returns true for the events seen so far. */
export async function readEvents(
  stack: Pick<TestStack, 'gatewayUrl'>,
  token: string,
  opts: {
    lastEventId?: string;
    until: (events: SseEvent[]) => boolean;
    timeoutMs?: number;
    onOpen?: () => Promise<void>;
  },
): Promise<SseEvent[]> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), opts.timeoutMs ?? 30_000);
  const events: SseEvent[] = [];
  try {
    const res = await fetch(`${stack.gatewayUrl}/api/v1/notifications/stream`, {
      headers: { authorization: `Bearer ${token}`, ...(opts.lastEventId ? { 'last-event-id': opts.lastEventId } : {}) },
      signal: abort.signal,
    });
    if (res.status !== 200 || !res.body) throw new Error(`stream answered ${res.status}: ${await res.text()}`);
    await opts.onOpen?.();
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = parseEvent(block);
        if (event) events.push(event);
        end = buffer.indexOf('\n\n');
      }
      if (opts.until(events)) break;
    }
    return events;
  } catch (err) {
    if (abort.signal.aborted) {
      throw new Error(`stream timed out with ${JSON.stringify(events.map((e) => e.event))}`, { cause: err });
    }
    throw err;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

export interface SseEvent {
  id: string;
  event: string;
  data: Record<string, unknown>;
}

function parseEvent(block: string): SseEvent | undefined {
  const fields = new Map<string, string>();
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const at = line.indexOf(': ');
    if (at > 0) fields.set(line.slice(0, at), line.slice(at + 2));
  }
  const id = fields.get('id');
  const data = fields.get('data');
  if (!id || !data) return undefined;
  return { id, event: fields.get('event') ?? 'message', data: JSON.parse(data) };
}

export interface ProductPool {
  /** A seeded product no other test of the file has had, now stocked with `onHand` units. */
  take(onHand: number): Promise<{ id: string; priceCents: number }>;
  /** Ids of the products handed out so far. */
  taken(): string[];
}

/** Seeded products for one test file; both sources are read lazily, since tests fill them in beforeAll. */
export function productPool(
  api: () => CheckoutClient,
  products: () => readonly { id: string; priceCents: number }[],
): ProductPool {
  let next = 0;
  return {
    async take(onHand) {
      const product = products()[next++];
      if (!product) throw new Error('out of seeded products');
      await api().setStock(product.id, onHand);
      return product;
    },
    taken: () =>
      products()
        .slice(0, next)
        .map((p) => p.id),
  };
}
