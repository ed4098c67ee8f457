// Scenario: the CPU a service spends on its side of one call to its sidecar, with the kit's client
// (`SidecarClient`, undici) against node:http with a kept-alive agent and fetch(), in the same run. The
// "sidecar" is a node:http server in another process, so only the caller's CPU is counted here.
import { Agent, request } from 'node:http';
import { SidecarClient } from '@shopstack/kit';
import { startBareServer } from './measure.ts';

type Call = () => Promise<string>;

/** Client CPU µs per call over `calls` calls, 8 in flight. */
async function cpuPerCall(call: Call, calls: number): Promise<number> {
  for (let i = 0; i < 500; i++) await call();
  let started = 0;
  const before = process.cpuUsage();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (started++ < calls) await call();
    }),
  );
  const used = process.cpuUsage(before);
  return (used.user + used.system) / calls;
}

export async function runSidecarClientBench(): Promise<Record<string, number>> {
  // the "sidecar" answers like a state transaction: a small JSON body
  const { url: base, child } = await startBareServer(JSON.stringify({ ok: true, data: 'x'.repeat(200) }));
  const sidecar = new SidecarClient({ host: '127.0.0.1', httpPort: Number(new URL(base).port), apiToken: 'bench' });
  const transaction = { operations: [{ operation: 'upsert', request: { key: 'order-1', value: { a: 1 } } }] } as const;
  // the same call by hand for the other clients, which serialize the body per call as the kit's does
  const url = `${base}v1.0/state/orderstore/transaction`;
  const headers = { 'dapr-api-token': 'bench', 'content-type': 'application/json' };
  const agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64 });
  const clients: Record<string, Call> = {
    'kit SidecarClient (undici)': async () => (await sidecar.transactState('orderstore', transaction)).body,
    'node:http, kept-alive agent': () =>
      // the kit's client before undici, answer read the same way
      new Promise((resolve, reject) => {
        const req = request(url, { method: 'POST', headers, agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        });
        req.setTimeout(30_000, () => req.destroy(new Error('silent')));
        req.on('error', reject);
        req.end(JSON.stringify(transaction));
      }),
    'fetch()': async () => (await fetch(url, { method: 'POST', headers, body: JSON.stringify(transaction) })).text(),
  };
  try {
    // three alternating rounds; the median of each client's rounds
    const rounds: Record<string, number[]> = {};
    for (let round = 0; round < 3; round++) {
      for (const [name, call] of Object.entries(clients)) (rounds[name] ??= []).push(await cpuPerCall(call, 6_000));
    }
    const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[1] as number;
    const [kit, http, fetched] = Object.values(rounds).map(median) as [number, number, number];
    const figures: Record<string, number> = {};
    for (const [name, xs] of Object.entries(rounds))
      figures[`${name}: client CPU µs per call`] = Math.round(median(xs));
    figures['kit ÷ node:http'] = Number((kit / http).toFixed(2));
    figures['kit ÷ fetch()'] = Number((kit / fetched).toFixed(2));
    return figures;
  } finally {
    agent.destroy();
    child.kill();
  }
}
