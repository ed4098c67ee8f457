import type { V1Container, V1ResourceRequirements } from '@kubernetes/client-node';
import { objectName, type ShopContext } from './context.ts';
import { redisClients } from './network-policies.ts';
import { postgresPort } from './postgres.ts';
import { databaseServices } from './profiles.ts';
import { redisPort } from './redis.ts';
import { containerSecurity } from './security.ts';
import type { ServiceName } from './spec.ts';

/** How long a new pod waits for its data stores before its start fails (and is retried by the kubelet). */
export const storeWaitSeconds = 180;

/**
 * Opens a TCP connection to each `host:port` argument in turn, every 500 ms until it succeeds, then exits 0;
 * exits 1 after `storeWaitSeconds`. Plain Node, so it runs in the service's own image.
 */
const waitScript = [
  "const net = require('node:net');",
  `const until = Date.now() + ${storeWaitSeconds * 1000};`,
  'const open = (host, port) => new Promise((done) => {',
  '  const socket = net.connect({ host, port, timeout: 2000 });',
  '  const end = (ok) => { socket.destroy(); done(ok); };',
  "  socket.once('connect', () => end(true)).once('error', () => end(false)).once('timeout', () => end(false));",
  '});',
  '(async () => {',
  '  for (const target of process.argv.slice(1)) {',
  "    const [host, port] = target.split(':');",
  '    while (!(await open(host, Number(port)))) {',
  '      if (Date.now() > until) { console.error(`${target} did not answer`); process.exit(1); }',
  '      await new Promise((r) => setTimeout(r, 500));',
  '    }',
  '    console.log(`${target} answers`);',
  '  }',
  '})();',
].join('\n');

/** `host:port` of each managed data store `service`'s app or sidecar connects to. */
export function storeTargets(ctx: ShopContext, service: ServiceName): string[] {
  const { database, redis } = ctx.spec;
  return [
    ...(database.mode === 'managed' && databaseServices().includes(service)
      ? [`${objectName(ctx, 'postgres')}:${postgresPort}`]
      : []),
    ...(redis.mode === 'managed' && redisClients(ctx).includes(service)
      ? [`${objectName(ctx, 'redis')}:${redisPort}`]
      : []),
  ];
}

/**
 * An init container that waits until the pod itself can reach its managed data stores. daprd initialises
 * its components once, at start, and exits on the first refused connection. On a new pod that refusal
 * comes from the NetworkPolicy enforcer (kube-router REJECTs a pod's traffic until its next sync has
 * admitted the pod's address, seconds later on a busy node), and the sidecar restarted. Init containers
 * run before the injected sidecar, from the pod's own address, so daprd starts once the way is open.
 */
export function storeWaitContainer(
  ctx: ShopContext,
  service: ServiceName,
  image: string,
  resources: V1ResourceRequirements,
): V1Container | undefined {
  const targets = storeTargets(ctx, service);
  if (targets.length === 0) return undefined;
  return {
    name: 'wait-for-stores',
    image,
    imagePullPolicy: ctx.spec.image.pullPolicy,
    command: ['node', '-e', waitScript, ...targets],
    resources,
    securityContext: containerSecurity,
  };
}
