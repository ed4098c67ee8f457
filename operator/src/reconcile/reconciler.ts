import { isDeepStrictEqual } from 'node:util';
import { InvalidSpecError, labelKeys, parseSpec, renderShopStack, type ShopStackSpec } from '@shopstack/cdk8s';
import type { Logger } from 'pino';
import type { ShopStackStatus, WorkloadStatus } from '../crd/status.ts';
import type { KubeClient } from '../kube/client.ts';
import { isStatus } from '../kube/errors.ts';
import { type KubeObject, objectKey } from '../kube/object.ts';
import type { WorkResult } from '../queue/workqueue.ts';
import type { Informer } from '../watch/informer.ts';
import { externalDatabaseProblem, namespaceConflict } from './checks.ts';
import type { EventRecorder } from './events.ts';
import { finalize } from './finalize.ts';
import { finalizer, managedBy, ownerReference } from './owner.ts';
import { computeStatus, type Problem, workloadStatus } from './status.ts';
import { type SyncResult, syncObjects } from './sync.ts';
import { startupOrder, versionProblem } from './upgrade.ts';

export interface ReconcilerDeps {
  readonly client: KubeClient;
  readonly shops: Informer;
  readonly cache: (kind: string) => Informer | undefined;
  readonly events: EventRecorder;
  readonly log: Logger;
  /** Requests in flight per ShopStack while syncing its objects. */
  readonly applyConcurrency: number;
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

/** How long to wait before re-checking what the operator does not watch (an external Secret). */
const recheckMs = 30_000;

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

  constructor(deps: ReconcilerDeps) {
    this.#deps = deps;
  }

  async reconcile(key: string): Promise<WorkResult | undefined> {
    let shop = this.#deps.shops.get(key);
    if (!shop) {
      this.#rendered.delete(key);
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
    const order = startupOrder(rendered.objects, (obj) => this.#deps.cache(obj.kind)?.get(objectKey(obj)));
    const result = await syncObjects(
      { client: this.#deps.client, cache: this.#deps.cache, concurrency: this.#deps.applyConcurrency },
      shop,
      order.apply,
    );
    this.#announce(shop, result);
    const problem =
      result.failures.length > 0
        ? failureProblem(result.failures)
        : await externalDatabaseProblem(this.#deps.client, shop.metadata.namespace ?? '', rendered.spec);
    await this.#writeStatus(shop, this.#workloads(rendered.objects), problem);
    if (result.failures.length > 0) throw new Error(failureProblem(result.failures).message);
    return problem ? { requeueAfterMs: recheckMs } : undefined;
  }

  #render(key: string, shop: KubeObject): Rendered {
    const generation = shop.metadata.generation ?? 0;
    const version = `${shop.metadata.uid}/${generation}`;
    const cached = this.#rendered.get(key);
    if (cached?.version === version) return { generation, ...JSON.parse(cached.text) };
    const spec = parseSpec(shop.spec);
    const objects = renderShopStack({
      name: shop.metadata.name,
      namespace: shop.metadata.namespace ?? 'default',
      spec,
      owner: ownerReference(shop),
      managedBy,
    }) as KubeObject[];
    this.#rendered.set(key, { version, text: JSON.stringify({ spec, objects }) });
    return { generation, spec, objects };
  }

  #workloads(objects: readonly KubeObject[]): Record<string, WorkloadStatus> {
    const workloads: Record<string, WorkloadStatus> = {};
    for (const obj of objects) {
      if (obj.kind !== 'Deployment' && obj.kind !== 'StatefulSet') continue;
      const name = obj.metadata.labels?.[labelKeys.name] ?? obj.metadata.name;
      workloads[name] = workloadStatus(obj, this.#deps.cache(obj.kind)?.get(objectKey(obj)));
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
  ): Promise<void> {
    const previous = shop.status as ShopStackStatus | undefined;
    const status = computeStatus({
      generation: shop.metadata.generation ?? 0,
      version: String((shop.spec as { version?: unknown } | undefined)?.version ?? ''),
      previous,
      workloads,
      ...(problem && { problem }),
      now: (this.#deps.now?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });
    // JSON round trip: drops undefined fields exactly as the server would
    if (isDeepStrictEqual(JSON.parse(JSON.stringify(status)), previous ?? {})) return;
    const { name, namespace } = shop.metadata;
    const updated = await this.#deps.client.apply(
      { apiVersion: shop.apiVersion, kind: 'ShopStack', metadata: { name, namespace }, status },
      { subresource: 'status' },
    );
    this.#deps.shops.remember(updated);
    this.#announceConditions(shop, previous, status);
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

  #announceConditions(shop: KubeObject, previous: ShopStackStatus | undefined, status: ShopStackStatus): void {
    const find = (s: ShopStackStatus | undefined, type: string) => s?.conditions?.find((c) => c.type === type);
    const ready = find(status, 'Ready');
    const degraded = find(status, 'Degraded');
    const log = this.#deps.log.child({ shopstack: objectKey(shop) });
    if (ready?.status === 'True' && find(previous, 'Ready')?.status !== 'True') {
      log.info({ version: status.version }, 'ready');
      this.#deps.events.record(shop, { type: 'Normal', reason: 'Ready', action: 'Reconcile', note: ready.message });
    }
    const before = find(previous, 'Degraded');
    if (degraded?.status === 'True' && (before?.status !== 'True' || before.reason !== degraded.reason)) {
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
