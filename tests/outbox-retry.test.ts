import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCpuMeter } from './bench/cpu.ts';
import { eventually } from './support/checkout.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

// Dapr publishes an outbox message to its internal topic before the state transaction runs. When the
// transaction then fails (an ETag conflict), the message's state never appears: the handler retries for
// 10 s and, with outboxDiscardWhenMissingState, discards it. Stock Dapr 1.18.2 never stops retrying and
// polls the state store in a hot loop for ever (scripts/runtimes/daprd/outbox-backoff.sed).
describe("orders' sidecar, after an outbox transaction that failed", () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack(['orders']);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('discards the orphaned outbox message after its retries and goes back to idle', async () => {
    const orders = stack.services.orders;
    if (!orders) throw new Error('orders is not running');
    const failed = await fetch(`http://127.0.0.1:${orders.sidecar.ports.http}/v1.0/state/orderstore/transaction`, {
      method: 'POST',
      headers: { 'dapr-api-token': orders.tokens.daprApiToken, 'content-type': 'application/json' },
      body: JSON.stringify({
        operations: [{ operation: 'upsert', request: { key: 'outbox-probe', value: { probe: true }, etag: '1' } }],
      }),
    });
    expect(failed.ok, await failed.text()).toBe(false); // no such record: the ETag cannot match

    const log = orders.sidecar.proc.logFile;
    await eventually(
      'the orphaned outbox message to be discarded',
      async () => (/discarding message/.test(readFileSync(log, 'utf8')) ? true : undefined),
      40_000,
    );
    const meter = startCpuMeter({ daprd: orders.sidecar.proc.child.pid ?? 0 });
    await new Promise((r) => setTimeout(r, 3000));
    // idle, a sidecar spends a few ms of CPU per second; the hot loop spent about a core
    expect(meter.perOp(3).daprd).toBeLessThan(100);
  }, 60_000);
});
