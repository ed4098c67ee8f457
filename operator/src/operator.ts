import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { OperatorConfig } from './config.ts';
import { Controller } from './controller.ts';
import { installCrd } from './crd/install.ts';
import { KubeClient } from './kube/client.ts';
import { type Credentials, loadCredentials, NeedsClientNode } from './kube/credentials.ts';
import { LeaderElector } from './leader/elector.ts';
import { createMetrics } from './metrics.ts';
import { startHttpServer } from './server/http.ts';

export interface Operator {
  readonly server: Server;
  /** Resolves once the operator's main loop has ended (after stop(), or at once without leader election). */
  readonly done: Promise<void>;
  /** Graceful stop: finish running reconciles, close watches, hand the lease over. */
  stop(): Promise<void>;
}

async function defaultCredentials(): Promise<Credentials> {
  try {
    return loadCredentials();
  } catch (err) {
    if (!(err instanceof NeedsClientNode)) throw err;
    const { KubeConfig } = await import('@kubernetes/client-node');
    const { clientNodeCredentials } = await import('./kube/client-node-credentials.ts');
    const config = new KubeConfig();
    config.loadFromDefault();
    return clientNodeCredentials(config);
  }
}

/** Starts the operator against `credentials` (default: $KUBECONFIG, ~/.kube/config or in-cluster, as kubectl). */
export async function startOperator(config: OperatorConfig, log: Logger, credentials?: Credentials): Promise<Operator> {
  const metrics = createMetrics();
  const client = new KubeClient(credentials ?? (await defaultCredentials()), {
    onRequest: (method, resource) => metrics.apiRequests.inc({ method, resource }),
  });
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

  const newController = (): Controller =>
    new Controller({
      client,
      log,
      metrics,
      identity: config.IDENTITY,
      ...(config.WATCH_NAMESPACE && { namespace: config.WATCH_NAMESPACE }),
      concurrency: config.CONCURRENCY,
      applyConcurrency: config.APPLY_CONCURRENCY,
      resyncMs: config.RESYNC_MS,
      insightsMetrics: config.INSIGHTS_METRICS,
      // the chart's selector label of the operator's pods
      ...(config.POD_NAMESPACE && {
        observer: { namespace: config.POD_NAMESPACE, podLabels: { 'app.kubernetes.io/name': 'shopstack-operator' } },
      }),
      ...(config.WATCH_TIMEOUT_SECONDS && { watchTimeoutSeconds: config.WATCH_TIMEOUT_SECONDS }),
    });
  const run = async (): Promise<void> => {
    if (!elector) {
      controller = newController();
      await controller.start();
      return;
    }
    // a leader that loses the lease (say, the API server was away longer than the renew deadline)
    // stops reconciling before anyone else may start, then stands by again with fresh caches
    while (await elector.acquire(abort.signal)) {
      metrics.leader.set(1);
      controller = newController();
      void controller.start();
      const outcome = await elector.hold(abort.signal);
      metrics.leader.set(0);
      if (outcome === 'stopped') return;
      await controller.stop();
      controller = undefined;
    }
  };
  const done = run();

  return {
    server,
    done,
    async stop() {
      abort.abort();
      await done;
      await controller?.stop();
      await elector?.release();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
