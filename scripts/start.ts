// `npm start`: runs the whole shop on this machine (no Docker) and stops everything on Ctrl-C.
import { resolve } from 'node:path';
import { assertPortFree } from './common/ports.ts';
import { allExited, killAllNow, stopAll } from './common/proc.ts';
import { serviceNames } from '../services/manifests.ts';
import { startLocalDashboard } from './local/dashboard.ts';
import { startLocalStorefront } from './local/storefront.ts';
import { type Stack, startStack } from './local/stack.ts';
import { ensureSystemPackages, shopNeeds } from './local/system-packages.ts';

const dir = resolve(import.meta.dirname, '..', process.env.SHOPSTACK_DIR ?? '.shopstack');
// `random` picks free ports (tests, or a second shop beside a running one); the default is fixed ports
const ports = process.env.SHOPSTACK_PORTS === 'random' ? 'random' : 'fixed';
const began = Date.now();
const say = (line: string): void => console.log(`[shopstack] ${line}`);
// local-run defaults only; identity creates this admin at start-up
const admin = {
  email: process.env.SHOPSTACK_ADMIN_EMAIL ?? 'admin@shopstack.local',
  password: process.env.SHOPSTACK_ADMIN_PASSWORD ?? 'shopstack-admin-123',
};
// past this, a graceful stop gives way to SIGKILL (each process already has its own, shorter grace)
const stopDeadlineMs = 60_000;
// a terminal's Ctrl-C reaches npm and the runner, and npm forwards it: signals this close together are one press
const samePressMs = 300;

let stack: Stack | undefined;
let starting: Promise<Stack> | undefined;
let stopping: Promise<void> | undefined;

function forceKill(why: string): void {
  say(`${why}: killing every process`);
  killAllNow();
}

/** Stops everything in order, once; later callers wait for the stop already in progress. */
function stopEverything(): Promise<void> {
  stopping ??= (async () => {
    say('stopping…');
    const deadline = setTimeout(() => forceKill(`not stopped after ${stopDeadlineMs / 1000}s`), stopDeadlineMs);
    if (!stack && starting) {
      // a start in progress fails once its processes are gone, and stops what it started
      await stopAll();
      await starting.catch(() => undefined);
    }
    await stack?.stop().catch((err: unknown) => say(`stopping: ${(err as Error).message}`));
    await stopAll();
    await allExited();
    clearTimeout(deadline);
    say('stopped');
  })();
  return stopping;
}

async function shutdown(code: number): Promise<never> {
  await stopEverything();
  process.exit(code);
}

let presses = 0;
let lastSignalAt = 0;
function onSignal(signal: NodeJS.Signals): void {
  const now = Date.now();
  if (now - lastSignalAt > samePressMs) presses += 1;
  lastSignalAt = now;
  if (presses === 1) void shutdown(0);
  else if (presses === 2) say(`${signal} again: still stopping gracefully; a third Ctrl-C kills everything`);
  else forceKill(`${signal} a third time`);
}

process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('SIGHUP', onSignal);
// whatever ends this process, nothing it started outlives it
process.on('exit', killAllNow);

try {
  ensureSystemPackages(shopNeeds, say);
  if (ports === 'fixed') await assertPortFree(8080, 'gateway');
  if (ports === 'fixed') await assertPortFree(8082, 'storefront');
  starting = startStack({
    dir,
    services: serviceNames,
    ports,
    seedDemo: true,
    progress: say,
    admin,
  });
  stack = await starting;
  const daprView = await startLocalDashboard(stack, { port: ports === 'fixed' ? 8081 : 0 });
  const storefront = await startLocalStorefront(stack, { port: ports === 'fixed' ? 8082 : 0 });
  const seconds = ((Date.now() - began) / 1000).toFixed(1);
  say(`ready in ${seconds}s`);
  say(`Storefront      ${storefront.url}`);
  say(`REST API        ${stack.gatewayUrl}/api/v1/products`);
  say(`API docs        ${stack.gatewayUrl}/api/docs`);
  say(`Dapr view       ${daprView.url}`);
  say(`admin           ${admin.email} / ${admin.password}`);
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
  // a start cut short by Ctrl-C fails too; that is no error worth reporting
  if (!stopping) console.error(`[shopstack] error: ${(err as Error).message}`);
  await shutdown(1);
}
