// Faults for a running test stack: SIGKILL a service's app or sidecar, restart Postgres or Redis in place.
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { type PostgresServer, startPostgres } from '../../scripts/local/postgres.ts';
import type { Proc } from '../../scripts/common/proc.ts';
import { type RedisServer, startRedis } from '../../scripts/local/redis.ts';
import type { ServiceName } from '../../services/manifests.ts';
import type { TestStack } from './stack.ts';

export type Fault =
  | { readonly kind: 'kill-app' | 'kill-sidecar'; readonly service: ServiceName }
  | { readonly kind: 'restart-postgres' | 'restart-redis' };

export const describeFault = (f: Fault): string => ('service' in f ? `${f.kind} ${f.service}` : f.kind);

/** Injects faults into `stack` and brings it back; `stop()` ends the servers it restarted (the stack no longer knows them). */
export interface FaultInjector {
  inject(fault: Fault): Promise<void>;
  stop(): Promise<void>;
}

async function signalAndWait(proc: Proc, signal: NodeJS.Signals): Promise<void> {
  proc.child.kill(signal);
  await proc.exited;
}

export function faultInjector(stack: TestStack): FaultInjector {
  let postgres: PostgresServer = stack.postgres;
  let redis: RedisServer = stack.redis;
  const restarted: { stop(): Promise<void> }[] = [];
  const logs = join(stack.dir, 'logs');
  return {
    async inject(fault) {
      if (fault.kind === 'kill-app' || fault.kind === 'kill-sidecar') {
        const running = stack.services[fault.service];
        if (!running) throw new Error(`${fault.service} is not running`);
        await signalAndWait(fault.kind === 'kill-app' ? running.proc : running.sidecar.proc, 'SIGKILL');
        await stack.restartService(fault.service);
      } else if (fault.kind === 'restart-postgres') {
        // fast shutdown: clients are disconnected, the data stays consistent
        await signalAndWait(postgres.proc, 'SIGINT');
        postgres = await startPostgres({
          dir: join(stack.dir, 'postgres'),
          port: postgres.port,
          logFile: join(logs, 'postgres.log'),
        });
        restarted.push(postgres);
      } else {
        // the test stack's Redis keeps no append-only file: SHUTDOWN SAVE writes the snapshot it reloads
        const client = new Redis(redis.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
        await client.connect();
        await client.call('SHUTDOWN', 'SAVE').catch(() => undefined);
        client.disconnect();
        await redis.proc.exited;
        redis = await startRedis({ dir: join(stack.dir, 'redis'), port: redis.port, logFile: join(logs, 'redis.log') });
        restarted.push(redis);
      }
    },
    async stop() {
      for (const server of restarted.reverse()) await server.stop();
    },
  };
}
