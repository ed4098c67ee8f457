import { createOnlyAnnotation, labelKeys } from '@shopstack/cdk8s';
import { fieldManager, type KubeClient } from '../kube/client.ts';
import { isStatus } from '../kube/errors.ts';
import { type KubeObject, objectKey } from '../kube/object.ts';
import { settleLimited } from '../limit.ts';
import type { Informer } from '../watch/informer.ts';
import { upToDate } from './compare.ts';
import { ownedKinds } from '../kube/resources.ts';
import { identity, isOwnedBy, ownerReference } from './owner.ts';

export interface SyncDeps {
  readonly client: KubeClient;
  readonly cache: (kind: string) => Informer | undefined;
  /** Requests in flight per ShopStack. */
  readonly concurrency: number;
}

/** What one sync changed, by Kind/name; never secret values. */
export interface SyncResult {
  readonly applied: string[];
  readonly generated: string[];
  readonly adopted: string[];
  readonly pruned: string[];
  readonly failures: { readonly object: string; readonly error: Error }[];
}

const label = (obj: KubeObject) => `${obj.kind}/${obj.metadata.name}`;

export function isCreateOnly(obj: KubeObject): boolean {
  return obj.metadata.annotations?.[createOnlyAnnotation] === 'true';
}

/**
 * Brings the live objects in line with `desired`: server-side apply of what differs (a rendered value, or
 * a field the operator's apply owns and no longer renders), create-if-absent for generated Secrets, and
 * deletion of owned objects no longer desired. Objects that already match cost no request at all, so a
 * resync of a converged shop writes nothing. `kept` objects are wanted but not applied now (a service
 * waiting for its turn in a roll): they stay as they are.
 */
export async function syncObjects(
  deps: SyncDeps,
  shop: KubeObject,
  desired: KubeObject[],
  kept: readonly KubeObject[] = [],
): Promise<SyncResult> {
  const result: SyncResult = { applied: [], generated: [], adopted: [], pruned: [], failures: [] };
  const live = (obj: KubeObject) => deps.cache(obj.kind)?.get(objectKey(obj));
  const remember = (obj: KubeObject) => deps.cache(obj.kind)?.remember(obj);
  const owner = ownerReference(shop);

  const work: { what: string; run: () => Promise<void> }[] = [];
  for (const obj of desired) {
    const current = live(obj);
    if (isCreateOnly(obj)) {
      if (!current) {
        work.push({
          what: label(obj),
          run: async () => {
            try {
              remember(await deps.client.create(obj));
              result.generated.push(label(obj));
            } catch (err) {
              // another writer (or a stale cache) got there first; the first value stays, as intended
              if (!isStatus(err, 409)) throw err;
            }
          },
        });
      } else if (!current.metadata.ownerReferences?.some((r) => r.controller)) {
        // kept by a previous ShopStack of this name with volumeRetention: Retain; take it back
        work.push({
          what: label(obj),
          run: async () => {
            const { name, namespace } = obj.metadata;
            remember(
              await deps.client.mergePatch('Secret', { name, namespace }, { metadata: { ownerReferences: [owner] } }),
            );
            result.adopted.push(label(obj));
          },
        });
      }
    } else if (!upToDate(obj, current, fieldManager)) {
      work.push({
        what: label(obj),
        run: async () => {
          remember(await deps.client.apply(obj, { force: true }));
          result.applied.push(label(obj));
        },
      });
    }
  }

  const wanted = new Set([...desired, ...kept].map(identity));
  for (const kind of ownedKinds) {
    for (const obj of deps.cache(kind)?.list() ?? []) {
      if (obj.metadata.namespace !== shop.metadata.namespace || !isOwnedBy(obj, shop)) continue;
      if (wanted.has(identity(obj)) || isCreateOnly(obj)) continue;
      if (obj.metadata.labels?.[labelKeys.instance] !== shop.metadata.name) continue;
      work.push({
        what: label(obj),
        run: async () => {
          try {
            await deps.client.delete(obj.kind, obj.metadata.namespace, obj.metadata.name);
          } catch (err) {
            if (!isStatus(err, 404)) throw err;
          }
          result.pruned.push(label(obj));
        },
      });
    }
  }

  // RBAC's escalation check reads the Role a RoleBinding names, so bindings wait for their Roles
  const late = (item: { what: string }) => item.what.startsWith('RoleBinding/');
  for (const wave of [work.filter((item) => !late(item)), work.filter(late)]) {
    const outcomes = await settleLimited(wave, deps.concurrency, (item) => item.run());
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'rejected') {
        result.failures.push({ object: wave[i]?.what ?? '', error: outcome.reason as Error });
      }
    });
  }
  return result;
}
