import type { Server } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { OperatorConfig } from './config.ts';
import { Controller } from './controller.ts';
import { installCrd } from './crd/install.ts';
import { KubeClient } from './kube/client.ts';
import { LeaderElector } from './leader/elector.ts';
import { createMetrics } from './metrics.ts';
import { startHttpServer } from './server/http.ts';

export interface Operator {
  readonly server: Server;
  /** Resolves with the exit code once the operator has stopped by itself (1: leadership lost). */
  readonly done: Promise<number>;
  /** Graceful stop: finish running reconciles, close watches, hand the lease over. */
  stop(): Promise<void>;
}

/** Starts the operator against the cluster of `kubeConfig` (default: $KUBECONFIG, ~/.kube/config or in-cluster). */
export async function startOperator(config: OperatorConfig, log: Logger, kubeConfig?: KubeConfig): Promise<Operator> {
  const kc = kubeConfig ?? new KubeConfig();
  if (!kubeConfig) kc.loadFromDefault();
  const metrics = createMetrics();
  const client = new KubeClient(kc, { onRequest: (method, resource) => metrics.apiRequests.inc({ method, resource }) });
  if (config.INSTALL_CRDS) {
    await installCrd(client);
    log.info('installed the ShopStack CRD');
  }
  const abort = new AbortController();
  const elector = config.LEADER_ELECT
    ? new LeaderElector({
        client,
        namespace: config.LEASE_NAMESPACE,
        name: config.LEASE_NAME,
        identity: config.IDENTITY,
        leaseDurationMs: config.LEASE_DURATION_MS,
        renewDeadlineMs: config.RENEW_DEADLINE_MS,
        retryPeriodMs: config.RETRY_PERIOD_MS,
        log,
      })
    : undefined;
  let controller: Controller | undefined;
  const server = await startHttpServer({
    port: config.METRICS_PORT,
    host: config.METRICS_HOST,
    registry: metrics.registry,
    health: {
      healthy: () => !abort.signal.aborted,
      // a standby is ready: it is doing its job, which is to wait
      ready: () => !abort.signal.aborted && (controller ? controller.synced : !elector?.leading),
    },
  });
  log.info({ port: config.METRICS_PORT, identity: config.IDENTITY }, 'serving /metrics, /healthz, /readyz');

  const run = async (): Promise<number> => {
    if (elector && !(await elector.acquire(abort.signal))) return 0;
    metrics.leader.set(1);
    controller = new Controller({
      client,
      log,
      metrics,
      identity: config.IDENTITY,
      ...(config.WATCH_NAMESPACE && { namespace: config.WATCH_NAMESPACE }),
      concurrency: config.CONCURRENCY,
      applyConcurrency: config.APPLY_CONCURRENCY,
      resyncMs: config.RESYNC_MS,
      ...(config.WATCH_TIMEOUT_SECONDS && { watchTimeoutSeconds: config.WATCH_TIMEOUT_SECONDS }),
    });
    const started = controller.start();
    if (!elector) {
      await started;
      return 0;
    }
    const outcome = await elector.hold(abort.signal);
    metrics.leader.set(0);
    if (outcome === 'lost') {
      // another replica may already be reconciling: stop at once, and let the restart start clean
      await controller.stop();
      return 1;
    }
    return 0;
  };
  const done = run();

  return {
    server,
    done,
    async stop() {
      abort.abort();
      await done.catch(() => 0);
      await controller?.stop();
      await elector?.release();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
