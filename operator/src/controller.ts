import type { Logger } from 'pino';
import { BackupReconciler, backupKeyPrefix } from './backup/backups.ts';
import { lastBackupSuccess } from './backup/last-success.ts';
import type { KubeClient } from './kube/client.ts';
import { type KubeObject, objectKey } from './kube/object.ts';
import { isStatus } from './kube/errors.ts';
import { ownedKinds } from './kube/resources.ts';
import type { OperatorMetrics } from './metrics.ts';
import { WorkQueue } from './queue/workqueue.ts';
import { eventRecorder } from './reconcile/events.ts';
import { managedBy, ownerKey } from './reconcile/owner.ts';
import { Reconciler } from './reconcile/reconciler.ts';
import { Informer, type InformerEventType } from './watch/informer.ts';
import { slimPod } from './insights/pods.ts';
import { MetricsProbe } from './insights/probe.ts';
import type { MetricsObserver } from '@shopstack/cdk8s';

export interface ControllerOptions {
  readonly client: KubeClient;
  readonly log: Logger;
  readonly metrics: OperatorMetrics;
  /** Name of this replica, for Events. */
  readonly identity: string;
  /** Watch one namespace only; all when unset. */
  readonly namespace?: string;
  readonly concurrency: number;
  readonly applyConcurrency: number;
  /** Every ShopStack is reconciled at least this often, changed or not. */
  readonly resyncMs: number;
  readonly watchTimeoutSeconds?: number;
  /** Read the services' /metrics for symptoms. */
  readonly insightsMetrics?: boolean;
  /** The operator's pods, which the shops' NetworkPolicies let read the services' /metrics. */
  readonly observer?: MetricsObserver;
}

/** Informers for ShopStacks and everything they own, feeding one work queue of ShopStack keys. */
export class Controller {
  readonly #opts: ControllerOptions;
  readonly #informers = new Map<string, Informer>();
  readonly #queue: WorkQueue;
  #resync: NodeJS.Timeout | undefined;
  #synced = false;
  #kedaInstalled = false;

  constructor(opts: ControllerOptions) {
    this.#opts = opts;
    const { client, log, metrics } = opts;
    const informer = (
      kind: string,
      onEvent: (type: InformerEventType, obj: KubeObject) => void,
      labelSelector?: string,
    ) =>
      new Informer({
        client,
        kind,
        log,
        onEvent,
        // generated credentials only need to exist: their values never sit in the operator's memory
        ...(kind === 'Secret' && { strip: (obj: KubeObject) => delete obj.data }),
        // a pod is cached with only what the symptoms read (insights/pods.ts)
        ...(kind === 'Pod' && { strip: slimPod }),
        ...(labelSelector && { labelSelector }),
        ...(opts.namespace && { namespace: opts.namespace }),
        ...(opts.watchTimeoutSeconds && { watchTimeoutSeconds: opts.watchTimeoutSeconds }),
        onRelist: (reason) => metrics.watchRelists.inc({ kind, reason }),
      });
    const shops = informer('ShopStack', (type, obj) => this.#onShopStack(type, obj));
    this.#informers.set('ShopStack', shops);
    // every backup, not only the operator's: users create them with kubectl
    const backups = informer('ShopStackBackup', (_type, obj) => this.#onBackup(obj));
    this.#informers.set('ShopStackBackup', backups);
    for (const kind of ownedKinds) {
      this.#informers.set(
        kind,
        informer(kind, (_type, obj) => this.#onOwned(obj), `app.kubernetes.io/managed-by=${managedBy}`),
      );
    }
    // the shops' pods, for their symptoms; a pod belongs to the ShopStack its instance label names
    this.#informers.set(
      'Pod',
      informer('Pod', (_type, obj) => this.#onPod(obj), `app.kubernetes.io/managed-by=${managedBy}`),
    );
    const events = eventRecorder(client, { instance: opts.identity, log });
    const reconciler = new Reconciler({
      client,
      shops,
      backups,
      cache: (kind) => this.#informers.get(kind),
      events,
      log,
      applyConcurrency: opts.applyConcurrency,
      ...(opts.insightsMetrics && { metricsProbe: new MetricsProbe({ log }) }),
      ...(opts.observer && { observer: opts.observer }),
      kedaInstalled: () => this.#kedaInstalled,
    });
    const backupReconciler = new BackupReconciler({
      client,
      shops,
      backups,
      jobs: this.#informers.get('Job'),
      events,
      log,
    });
    this.#queue = new WorkQueue({
      concurrency: opts.concurrency,
      log,
      onDepth: (depth) => metrics.queueDepth.set(depth),
      handler: async (key) => {
        const end = metrics.reconcileDuration.startTimer();
        try {
          const result = key.startsWith(backupKeyPrefix)
            ? await backupReconciler.reconcile(key.slice(backupKeyPrefix.length)).then(() => undefined)
            : await reconciler.reconcile(key);
          metrics.reconciles.inc({ result: 'success' });
          return result;
        } catch (err) {
          metrics.reconciles.inc({ result: 'error' });
          metrics.reconcileErrors.inc();
          throw err;
        } finally {
          end();
        }
      },
    });
  }

  get synced(): boolean {
    return this.#synced;
  }

  /** Fills every cache, then reconciles every ShopStack and keeps doing so on changes. */
  async start(): Promise<void> {
    await Promise.all([...this.#informers.values()].map((informer) => informer.start()));
    await this.#discoverKeda();
    this.#synced = true;
    const shops = this.#informers.get('ShopStack');
    const backups = this.#informers.get('ShopStackBackup');
    this.#opts.metrics.readBackups(() => lastBackupSuccess(shops?.list() ?? [], backups?.list() ?? []));
    this.#enqueueAll();
    this.#resync = setInterval(() => {
      void this.#discoverKeda().then(() => this.#enqueueAll());
    }, this.#opts.resyncMs);
    this.#resync.unref();
    this.#opts.log.info({ kinds: this.#informers.size }, 'caches synced; reconciling');
  }

  /** Lets running reconciles finish, then closes every watch. */
  async stop(): Promise<void> {
    clearInterval(this.#resync);
    this.#opts.metrics.readBackups(undefined);
    await this.#queue.shutdown();
    await Promise.all([...this.#informers.values()].map((informer) => informer.stop()));
  }

  /** Whether the API serves KEDA's ScaledObjects (discovery: no RBAC needed); kept as it was on an error. */
  async #discoverKeda(): Promise<void> {
    try {
      const group = await this.#opts.client.request<KubeObject & { resources?: { name: string }[] }>({
        method: 'GET',
        resource: 'discovery',
        path: '/apis/keda.sh/v1alpha1',
      });
      this.#kedaInstalled = group.resources?.some((r) => r.name === 'scaledobjects') ?? false;
    } catch (err) {
      if (isStatus(err, 404)) this.#kedaInstalled = false;
      else this.#opts.log.warn({ err: (err as Error).message }, 'could not ask whether KEDA is installed');
    }
  }

  #enqueueAll(): void {
    for (const shop of this.#informers.get('ShopStack')?.list() ?? []) this.#queue.add(objectKey(shop));
    for (const backup of this.#informers.get('ShopStackBackup')?.list() ?? []) this.#onBackup(backup);
  }

  /** A backup is reconciled on its own key; its ShopStack too (schedule, retention, a restore waiting for it). */
  #onBackup(obj: KubeObject): void {
    if (!this.#synced) return;
    this.#queue.add(`${backupKeyPrefix}${objectKey(obj)}`);
    const shop = (obj.spec as { shopStack?: unknown } | undefined)?.shopStack;
    if (typeof shop === 'string' && obj.metadata.namespace) this.#queue.add(`${obj.metadata.namespace}/${shop}`);
  }

  #onShopStack(type: InformerEventType, obj: KubeObject): void {
    this.#queue.add(objectKey(obj));
    if (type === 'DELETED') {
      // a rival held back by the one-shop-per-namespace rule may now take the namespace
      for (const other of this.#informers.get('ShopStack')?.list() ?? []) {
        if (other.metadata.namespace === obj.metadata.namespace) this.#queue.add(objectKey(other));
      }
    }
  }

  #onPod(obj: KubeObject): void {
    const shop = obj.metadata.labels?.['app.kubernetes.io/instance'];
    if (shop && obj.metadata.namespace && this.#synced) this.#queue.add(`${obj.metadata.namespace}/${shop}`);
  }

  #onOwned(obj: KubeObject): void {
    if (!this.#synced) return;
    const backup = obj.metadata.ownerReferences?.find((r) => r.kind === 'ShopStackBackup' && r.controller);
    const key =
      backup && obj.metadata.namespace ? `${backupKeyPrefix}${obj.metadata.namespace}/${backup.name}` : ownerKey(obj);
    if (key) this.#queue.add(key);
  }
}
