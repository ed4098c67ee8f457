import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { backoffDelay } from '../backoff.ts';
import { fieldManager, type KubeClient } from '../kube/client.ts';
import { isStatus, KubeError } from '../kube/errors.ts';
import { type KubeObject, objectKey } from '../kube/object.ts';
import { resourceType } from '../kube/resources.ts';

export type InformerEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface InformerOptions {
  readonly client: KubeClient;
  readonly kind: string;
  /** Only this namespace; every namespace when unset. */
  readonly namespace?: string;
  readonly labelSelector?: string;
  /** Asks the server to end each watch after this long; the informer resumes from where it was. */
  readonly watchTimeoutSeconds?: number;
  readonly log: Logger;
  readonly onEvent: (type: InformerEventType, obj: KubeObject) => void;
  /** Drops what the operator never reads before an object is cached (e.g. Secret values). */
  readonly strip?: (obj: KubeObject) => unknown;
  /** Called when the informer starts over with a full list (after 410 Gone, or first start). */
  readonly onRelist?: (reason: string) => void;
}

class Gone extends Error {}

// RVs are opaque, but in practice etcd revisions; comparing them only guards the cache against going back
function older(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return BigInt(a) < BigInt(b);
}

/**
 * A cache of one kind kept current by list-then-watch: list once, watch from the list's
 * resourceVersion, resume from the last seen version after a dropped connection (with backoff), and
 * list again when the server says that version is gone (410). A relist reports what changed while
 * the watch was down, so no change is lost.
 */
export class Informer {
  readonly kind: string;
  readonly #opts: InformerOptions;
  readonly #cache = new Map<string, KubeObject>();
  readonly #abort = new AbortController();
  readonly #apiVersion: string;
  #resourceVersion = '';
  #synced = false;
  #syncedWaiters: (() => void)[] = [];
  #loop: Promise<void> | undefined;

  constructor(opts: InformerOptions) {
    this.kind = opts.kind;
    this.#apiVersion = resourceType(opts.kind).apiVersion;
    this.#opts = opts;
  }

  // managedFields are often half an object's size: keep only what the operator's own apply owns, which
  // tells it whether a field it stopped rendering is still live (reconcile/compare.ts)
  #slim(obj: KubeObject): KubeObject {
    const own = obj.metadata.managedFields?.filter((entry) => (entry as { manager?: string }).manager === fieldManager);
    if (own?.length) obj.metadata.managedFields = own;
    else delete obj.metadata.managedFields;
    this.#opts.strip?.(obj);
    return obj;
  }

  get synced(): boolean {
    return this.#synced;
  }

  get(key: string): KubeObject | undefined {
    return this.#cache.get(key);
  }

  list(): KubeObject[] {
    return [...this.#cache.values()];
  }

  /** Records an object the operator just wrote, so the next reconcile does not act on a stale copy. */
  remember(obj: KubeObject): void {
    const key = objectKey(obj);
    if (!older(obj.metadata.resourceVersion, this.#cache.get(key)?.metadata.resourceVersion)) {
      this.#cache.set(key, this.#slim(obj));
    }
  }

  /** Starts the loop; resolves once the first list has filled the cache. */
  start(): Promise<void> {
    this.#loop ??= this.#run();
    return this.#synced ? Promise.resolve() : new Promise((resolve) => this.#syncedWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
  }

  #markSynced(): void {
    this.#synced = true;
    for (const resolve of this.#syncedWaiters.splice(0)) resolve();
  }

  async #run(): Promise<void> {
    const { log } = this.#opts;
    let failures = 0;
    let notServed = false;
    while (!this.#abort.signal.aborted) {
      try {
        if (!this.#resourceVersion) await this.#relist();
        notServed = false;
        await this.#watch();
        failures = 0;
      } catch (err) {
        if (this.#abort.signal.aborted) break;
        if (err instanceof Gone || isStatus(err, 410)) {
          log.info({ kind: this.kind }, 'watch expired (410 Gone); listing again');
          this.#resourceVersion = '';
          continue;
        }
        failures += 1;
        const delay = backoffDelay(failures, { baseMs: 250, maxMs: 30_000 });
        if (isStatus(err, 404)) {
          // the kind is not served (e.g. KEDA's or Dapr's CRDs are missing): an empty cache is the truth for
          // now; said once, not at every retry, since a cluster may well never install it
          this.#markSynced();
          if (!notServed) log.info({ kind: this.kind }, 'kind not served (CRD missing); watching for it');
          notServed = true;
        } else {
          log.warn({ kind: this.kind, err: (err as Error).message, retryInMs: delay }, 'watch failed; reconnecting');
        }
        await sleep(delay, undefined, { signal: this.#abort.signal }).catch(() => {});
      }
    }
  }

  async #relist(): Promise<void> {
    const { client, namespace, labelSelector } = this.#opts;
    const fresh = new Map<string, KubeObject>();
    let page: string | undefined;
    let resourceVersion: string;
    do {
      const list = await client.list(this.kind, {
        namespace,
        labelSelector,
        limit: 500,
        continue: page,
        signal: this.#abort.signal,
      });
      for (const item of list.items) {
        // list items carry no apiVersion/kind
        const obj = this.#slim({ ...item, kind: this.kind, apiVersion: this.#apiVersion });
        fresh.set(objectKey(obj), obj);
      }
      page = list.metadata.continue || undefined;
      resourceVersion = list.metadata.resourceVersion;
    } while (page);
    const previous = new Map(this.#cache);
    this.#cache.clear();
    for (const [key, obj] of fresh) this.#cache.set(key, obj);
    this.#resourceVersion = resourceVersion;
    this.#opts.onRelist?.(this.#synced ? 'expired' : 'initial');
    this.#markSynced();
    for (const [key, obj] of fresh) {
      const before = previous.get(key);
      if (!before) this.#opts.onEvent('ADDED', obj);
      else if (before.metadata.resourceVersion !== obj.metadata.resourceVersion) this.#opts.onEvent('MODIFIED', obj);
    }
    for (const [key, obj] of previous) if (!fresh.has(key)) this.#opts.onEvent('DELETED', obj);
  }

  async #watch(): Promise<void> {
    const { client, namespace, labelSelector, watchTimeoutSeconds } = this.#opts;
    const events = client.watch(this.kind, {
      namespace,
      labelSelector,
      resourceVersion: this.#resourceVersion,
      // like client-go: a random five to ten minutes, so watches of many kinds do not all restart at once
      timeoutSeconds: watchTimeoutSeconds ?? 300 + Math.floor(Math.random() * 300),
      signal: this.#abort.signal,
    });
    for await (const event of events) {
      if (event.type === 'ERROR') {
        if (event.object.code === 410) throw new Gone();
        throw new KubeError(event.object.code ?? 500, event.object.reason ?? 'WatchError', event.object.message ?? '');
      }
      this.#resourceVersion = event.object.metadata.resourceVersion ?? this.#resourceVersion;
      if (event.type === 'BOOKMARK') continue;
      const key = objectKey(event.object);
      if (event.type === 'DELETED') {
        this.#cache.delete(key);
      } else {
        // an event older than what the operator wrote and remembered must not roll the cache back
        if (older(event.object.metadata.resourceVersion, this.#cache.get(key)?.metadata.resourceVersion)) continue;
        this.#cache.set(key, this.#slim(event.object));
      }
      this.#opts.onEvent(event.type, event.object);
    }
  }
}
