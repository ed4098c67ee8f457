import { isDeepStrictEqual } from 'node:util';
import {
  InvalidSpecError,
  labelKeys,
  type MetricsObserver,
  parseSpec,
  renderShopStack,
  type ShopStackSpec,
} from '@shopstack/cdk8s';
import type { Logger } from 'pino';
import { holdServices, planRestore } from '../backup/restore.ts';
import { applyRetention, runSchedule } from '../backup/schedule.ts';
import type { BackupScheduleStatus, RestoreStatus, ShopStackStatus, WorkloadStatus } from '../crd/status.ts';
import type { KubeClient } from '../kube/client.ts';
import { isStatus } from '../kube/errors.ts';
import { type KubeObject, objectKey } from '../kube/object.ts';
import type { WorkResult } from '../queue/workqueue.ts';
import type { Informer } from '../watch/informer.ts';
import { SymptomLedger } from '../insights/degraded.ts';
import { shopPods } from '../insights/pods.ts';
import type { MetricsProbe } from '../insights/probe.ts';
import { podSymptoms, type Symptom } from '../insights/symptoms.ts';
import { externalDatabaseProblem, namespaceConflict } from './checks.ts';
import type { EventRecorder } from './events.ts';
import { finalize } from './finalize.ts';
import { finalizer, managedBy, ownerReference } from './owner.ts';
import { computeStatus, type Problem, workloadStatus } from './status.ts';
import { type SyncResult, syncObjects } from './sync.ts';
import { rollOrder, startupOrder, versionProblem } from './upgrade.ts';

export interface ReconcilerDeps {
  readonly client: KubeClient;
  readonly shops: Informer;
  readonly backups: Informer;
  readonly cache: (kind: string) => Informer | undefined;
  readonly events: EventRecorder;
  readonly log: Logger;
  /** Requests in flight per ShopStack while syncing its objects. */
  readonly applyConcurrency: number;
  /** Reads the symptoms in the services' metrics (stuck orders, dead letters); none when unset. */
  readonly metricsProbe?: MetricsProbe;
  /** The operator itself, allowed to read the services' /metrics through the shop's NetworkPolicies. */
  readonly observer?: MetricsObserver;
  /** Whether KEDA's CRDs are installed now (the controller asks discovery at start and every resync). */
  readonly kedaInstalled?: () => boolean;
  readonly now?: () => Date;
}

interface Rendered {
  readonly generation: number;
  readonly spec: ShopStackSpec;
  readonly objects: KubeObject[];
}

// kept as JSON text: a tenth of the memory of the object graph, and parsing it is far cheaper than rendering
interface RenderedText {
  /** uid and generation: a ShopStack re-created under the same name starts again at generation 1 */
  readonly version: string;
  readonly text: string;
}

/** How long to wait before re-checking what the operator does not watch (an external Secret), or a symptom. */
const recheckMs = 30_000;

/** What a status carries besides the conditions: the restore, the backup schedule, and why it is held. */
interface StatusExtras {
  readonly held?: Problem | undefined;
  readonly restore: RestoreStatus | undefined;
  readonly backup: BackupScheduleStatus | undefined;
  /** What the shop's pods and metrics show (insights/symptoms.ts). */
  readonly symptoms?: readonly Symptom[];
}

const earliest = (...delays: (number | undefined)[]): number | undefined => {
  const set = delays.filter((d): d is number => d !== undefined);
  return set.length > 0 ? Math.min(...set) : undefined;
};

/** A symptom that lasts is announced again as an Event this often (once otherwise). */
const symptomRepeatMs = 30 * 60_000;

function failureProblem(failures: SyncResult['failures']): Problem {
  const detail = failures
    .slice(0, 3)
    .map((f) => `${f.object}: ${f.error.message}`)
    .join('; ');
  const daprMissing = failures.some(
    (f) => isStatus(f.error, 404) && /^(Component|Configuration|Resiliency|Subscription)\//.test(f.object),
  );
  return daprMissing
    ? { reason: 'DaprNotInstalled', message: `Dapr's CRDs are not installed: ${detail}` }
    : { reason: 'ApplyFailed', message: detail };
}

function summary(verb: string, names: readonly string[]): string {
  const shown = names.slice(0, 8).join(', ');
  return `${verb} ${names.length} objects: ${shown}${names.length > 8 ? ', …' : ''}`;
}

/** Turns one ShopStack into its objects and reports how far they are. Safe to call any number of times. */
export class Reconciler {
  readonly #deps: ReconcilerDeps;
  // rendering is the costly part of a no-op reconcile, and depends only on the spec (its generation)
  readonly #rendered = new Map<string, RenderedText>();
  readonly #announced = new SymptomLedger({ repeatMs: symptomRepeatMs });

  constructor(deps: ReconcilerDeps) {
    this.#deps = deps;
  }

  async reconcile(key: string): Promise<WorkResult | undefined> {
    let shop = this.#deps.shops.get(key);
    if (!shop) {
      this.#rendered.delete(key);
      this.#announced.forget(key);
      this.#deps.metricsProbe?.forget(key);
      return undefined;
    }
    if (shop.metadata.deletionTimestamp) {
      await finalize({ ...this.#deps, secrets: this.#deps.cache('Secret') }, shop);
      return undefined;
    }
    if (!shop.metadata.finalizers?.includes(finalizer)) shop = await this.#addFinalizer(shop);

    const conflict = namespaceConflict(shop, this.#deps.shops.list());
    if (conflict) {
      await this.#writeStatus(shop, undefined, conflict);
      return undefined;
    }
    let rendered: Rendered;
    try {
      rendered = this.#render(key, shop);
    } catch (err) {
      if (!(err instanceof InvalidSpecError)) throw err;
      await this.#writeStatus(shop, undefined, { reason: 'InvalidSpec', message: err.problems.join('; ') });
      return undefined;
    }

    const refused = versionProblem((shop.status as ShopStackStatus | undefined)?.version, rendered.spec.version);
    if (refused) {
      await this.#writeStatus(shop, undefined, refused);
      return undefined;
    }
    const now = this.#deps.now?.() ?? new Date();
    const previous = shop.status as ShopStackStatus | undefined;
    const backupDeps = { ...this.#deps, jobs: this.#deps.cache('Job') };
    const restore = await planRestore(backupDeps, shop, rendered.spec, previous?.restore, now);
    const desired = [...(restore.hold ? holdServices(rendered.objects) : rendered.objects), ...restore.objects];
    const live = (obj: KubeObject) => this.#deps.cache(obj.kind)?.get(objectKey(obj));
    const order = rollOrder(startupOrder(desired, live).apply, live);
    const result = await syncObjects(
      { client: this.#deps.client, cache: this.#deps.cache, concurrency: this.#deps.applyConcurrency },
      shop,
      order.apply,
      order.held,
    );
    this.#announce(shop, result);
    // no backup is taken, and none pruned, before the shop's own data is back
    const schedule = restore.hold
      ? { status: previous?.backup }
      : await runSchedule(backupDeps, shop, rendered.spec.backup, previous?.backup, now);
    if (!restore.hold) await applyRetention(backupDeps, shop, rendered.spec.backup, now);
    const problem =
      result.failures.length > 0
        ? failureProblem(result.failures)
        : (restore.problem ??
          (await externalDatabaseProblem(this.#deps.client, shop.metadata.namespace ?? '', rendered.spec)));
    const pods = shopPods(this.#deps.cache('Pod')?.list() ?? [], shop);
    const symptoms = [
      ...podSymptoms(pods, this.#now()),
      ...((await this.#deps.metricsProbe?.symptoms(key, pods, this.#now().getTime())) ?? []),
    ];
    await this.#writeStatus(shop, this.#workloads(desired, order.held), problem, {
      held: restore.waiting,
      restore: restore.status,
      backup: schedule.status,
      symptoms,
    });
    this.#announceSymptoms(key, shop, symptoms);
    if (result.failures.length > 0) throw new Error(failureProblem(result.failures).message);
    // an unready pod may become a symptom with time (a data store past its grace), with no event to say so
    const unready = pods.some((pod) => !pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    const requeueAfterMs = earliest(
      problem || symptoms.length > 0 || unready ? recheckMs : undefined,
      schedule.requeueAfterMs,
    );
    return requeueAfterMs === undefined ? undefined : { requeueAfterMs };
  }

  #render(key: string, shop: KubeObject): Rendered {
    const generation = shop.metadata.generation ?? 0;
    const keda = this.#deps.kedaInstalled?.() ?? false;
    const version = `${shop.metadata.uid}/${generation}/${keda}`;
    const cached = this.#rendered.get(key);
    if (cached?.version === version) return { generation, ...JSON.parse(cached.text) };
    const spec = parseSpec(shop.spec);
    const objects = renderShopStack({
      name: shop.metadata.name,
      namespace: shop.metadata.namespace ?? 'default',
      spec,
      owner: ownerReference(shop),
      managedBy,
      ...(this.#deps.observer && { observer: this.#deps.observer }),
      keda,
    }) as KubeObject[];
    this.#rendered.set(key, { version, text: JSON.stringify({ spec, objects }) });
    return { generation, spec, objects };
  }

  /** Each workload's readiness; one `held` for its turn in a roll is not ready yet, since it runs the old spec. */
  #workloads(objects: readonly KubeObject[], held: readonly KubeObject[] = []): Record<string, WorkloadStatus> {
    const workloads: Record<string, WorkloadStatus> = {};
    for (const obj of objects) {
      if (obj.kind !== 'Deployment' && obj.kind !== 'StatefulSet') continue;
      const name = obj.metadata.labels?.[labelKeys.name] ?? obj.metadata.name;
      const status = workloadStatus(obj, this.#deps.cache(obj.kind)?.get(objectKey(obj)));
      workloads[name] = held.includes(obj) ? { ...status, ready: false } : status;
    }
    return workloads;
  }

  async #addFinalizer(shop: KubeObject): Promise<KubeObject> {
    const { name, namespace } = shop.metadata;
    const updated = await this.#deps.client.apply({
      apiVersion: shop.apiVersion,
      kind: 'ShopStack',
      metadata: { name, namespace, finalizers: [finalizer] },
    });
    this.#deps.shops.remember(updated);
    return updated;
  }

  async #writeStatus(
    shop: KubeObject,
    workloads: Record<string, WorkloadStatus> | undefined,
    problem?: Problem,
    extras?: StatusExtras,
  ): Promise<void> {
    const previous = shop.status as ShopStackStatus | undefined;
    const {
      held,
      restore,
      backup,
      symptoms = [],
    }: StatusExtras = extras ?? { restore: previous?.restore, backup: previous?.backup };
    const status: ShopStackStatus = {
      ...computeStatus({
        generation: shop.metadata.generation ?? 0,
        version: String((shop.spec as { version?: unknown } | undefined)?.version ?? ''),
        previous,
        workloads,
        ...(problem && { problem }),
        ...(held && { held }),
        symptoms,
        now: this.#now()
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z'),
      }),
      ...(restore && { restore }),
      ...(backup && { backup }),
    };
    // JSON round trip: drops undefined fields exactly as the server would
    if (isDeepStrictEqual(JSON.parse(JSON.stringify(status)), previous ?? {})) return;
    const { name, namespace } = shop.metadata;
    const updated = await this.#deps.client.apply(
      { apiVersion: shop.apiVersion, kind: 'ShopStack', metadata: { name, namespace }, status },
      { subresource: 'status' },
    );
    this.#deps.shops.remember(updated);
    this.#announceConditions(shop, previous, status, symptoms);
  }

  #now(): Date {
    return this.#deps.now?.() ?? new Date();
  }

  /** One Warning Event per new symptom (and again while it lasts, every symptomRepeatMs): never a storm. */
  #announceSymptoms(key: string, shop: KubeObject, symptoms: readonly Symptom[]): void {
    const log = this.#deps.log.child({ shopstack: key });
    for (const symptom of this.#announced.due(key, symptoms, this.#now().getTime())) {
      log.warn({ reason: symptom.reason, subject: symptom.subject, detail: symptom.message }, 'symptom');
      this.#deps.events.record(shop, {
        type: 'Warning',
        reason: symptom.reason,
        action: 'Observe',
        note: symptom.message,
      });
    }
  }

  #announce(shop: KubeObject, result: SyncResult): void {
    const log = this.#deps.log.child({ shopstack: objectKey(shop) });
    const notes: [string, string, readonly string[]][] = [
      ['Applied', 'applied', result.applied],
      ['SecretsGenerated', 'generated', result.generated],
      ['SecretsAdopted', 'adopted', result.adopted],
      ['Pruned', 'pruned', result.pruned],
    ];
    for (const [reason, verb, names] of notes) {
      if (names.length === 0) continue;
      log.info({ objects: names }, `${verb} ${names.length} objects`);
      this.#deps.events.record(shop, { type: 'Normal', reason, action: 'Reconcile', note: summary(verb, names) });
    }
  }

  #announceConditions(
    shop: KubeObject,
    previous: ShopStackStatus | undefined,
    status: ShopStackStatus,
    symptoms: readonly Symptom[],
  ): void {
    const find = (s: ShopStackStatus | undefined, type: string) => s?.conditions?.find((c) => c.type === type);
    const ready = find(status, 'Ready');
    const degraded = find(status, 'Degraded');
    const log = this.#deps.log.child({ shopstack: objectKey(shop) });
    if (ready?.status === 'True' && find(previous, 'Ready')?.status !== 'True') {
      log.info({ version: status.version }, 'ready');
      this.#deps.events.record(shop, { type: 'Normal', reason: 'Ready', action: 'Reconcile', note: ready.message });
    }
    const before = find(previous, 'Degraded');
    if (degraded?.status === 'False' && before?.status === 'True') {
      log.info('no longer degraded');
      this.#deps.events.record(shop, {
        type: 'Normal',
        reason: 'Recovered',
        action: 'Observe',
        note: degraded.message,
      });
    }
    // a symptom is announced by #announceSymptoms, each on its own
    const bySymptom = symptoms.some((s) => s.reason === degraded?.reason);
    if (degraded?.status === 'True' && !bySymptom && (before?.status !== 'True' || before.reason !== degraded.reason)) {
      log.warn({ reason: degraded.reason, detail: degraded.message }, 'degraded');
      this.#deps.events.record(shop, {
        type: 'Warning',
        reason: degraded.reason,
        action: 'Reconcile',
        note: degraded.message,
      });
    }
  }
}
