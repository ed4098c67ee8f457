// `npm start`: runs the whole shop on this machine (no Docker) and stops everything on Ctrl-C.
import { resolve } from 'node:path';
import { assertPortFree } from './lib/ports.ts';
import { killAllNow, stopAll } from './lib/proc.ts';
import { allServices } from './lib/services.ts';
import { type Stack, startStack } from './lib/stack.ts';

const dir = resolve(import.meta.dirname, '..', process.env.SHOPSTACK_DIR ?? '.shopstack');
// `random` picks free ports (tests, or a second shop beside a running one); the default is fixed ports
const ports = process.env.SHOPSTACK_PORTS === 'random' ? 'random' : 'fixed';
const began = Date.now();
const say = (line: string): void => console.log(`[shopstack] ${line}`);
// local-run defaults only; identity creates this admin at start-up
const admin = {
  SHOPSTACK_ADMIN_EMAIL: process.env.SHOPSTACK_ADMIN_EMAIL ?? 'admin@shopstack.local',
  SHOPSTACK_ADMIN_PASSWORD: process.env.SHOPSTACK_ADMIN_PASSWORD ?? 'shopstack-admin-123',
};

let stack: Stack | undefined;
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    say('stopping…');
    await (stack?.stop() ?? Promise.resolve());
    await stopAll();
    say('stopped');
  }
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGHUP', () => void shutdown(0));
// whatever ends this process, nothing it started outlives it
process.on('exit', killAllNow);

try {
  if (ports === 'fixed') await assertPortFree(8080, 'gateway');
  stack = await startStack({
    dir,
    services: allServices,
    ports,
    seedDemo: true,
    progress: say,
    env: { identity: admin },
  });
  const seconds = ((Date.now() - began) / 1000).toFixed(1);
  say(`ready in ${seconds}s`);
  say(`REST API        ${stack.gatewayUrl}/api/v1/products`);
  say(`API docs        ${stack.gatewayUrl}/api/docs`);
  say(`admin           ${admin.SHOPSTACK_ADMIN_EMAIL} / ${admin.SHOPSTACK_ADMIN_PASSWORD}`);
  say(`Postgres        127.0.0.1:${stack.postgres.port} (data in ${dir}/postgres)`);
  say(`Redis           127.0.0.1:${stack.redis.port}`);
  say(`logs            ${dir}/logs`);
  say('press Ctrl-C to stop');
  // a service or sidecar that dies takes the run down rather than leaving a half-working shop
  const procs = Object.values(stack.services).flatMap((s) => (s ? [s.proc, s.sidecar.proc] : []));
  const died = await Promise.race(procs.map((p) => p.exited.then(() => p)));
  if (!stopping) {
    say(`${died.name} exited unexpectedly; see ${dir}/logs/${died.name}.log`);
    await shutdown(1);
  }
} catch (err) {
  console.error(`[shopstack] error: ${(err as Error).message}`);
  await shutdown(1);
}
