import type { Logger } from 'pino';
import type { KubeClient } from '../kube/client.ts';
import { isStatus } from '../kube/errors.ts';
import type { KubeObject } from '../kube/object.ts';
import type { Informer } from '../watch/informer.ts';
import type { EventRecorder } from './events.ts';
import { finalizer, isOwnedBy } from './owner.ts';
import { isCreateOnly } from './sync.ts';

export interface FinalizeDeps {
  readonly client: KubeClient;
  readonly secrets: Informer | undefined;
  readonly events: EventRecorder;
  readonly log: Logger;
}

interface RetentionFields {
  spec?: { database?: { mode?: string; managed?: { volumeRetention?: string } } };
}

/** Read from the raw spec: deletion must work even for a ShopStack whose spec no longer validates. */
function volumeRetention(shop: KubeObject): 'Delete' | 'Retain' {
  const { database } = (shop as RetentionFields).spec ?? {};
  return database?.mode !== 'external' && database?.managed?.volumeRetention === 'Delete' ? 'Delete' : 'Retain';
}

async function ignoreNotFound(request: Promise<unknown>): Promise<void> {
  try {
    await request;
  } catch (err) {
    if (!isStatus(err, 404)) throw err;
  }
}

/**
 * What owner references cannot do on deletion. The StatefulSets' volume claims (Postgres, Redis) are not owned by the
 * ShopStack, so garbage collection never removes them: with `Delete` they are deleted here. With
 * `Retain` they stay, and so do the generated credentials (their owner references are dropped), so a
 * ShopStack re-created under the same name finds its data and the passwords that open it.
 */
export async function finalize(deps: FinalizeDeps, shop: KubeObject): Promise<void> {
  if (!shop.metadata.finalizers?.includes(finalizer)) return;
  const { name, namespace } = shop.metadata;
  const log = deps.log.child({ shopstack: `${namespace}/${name}` });
  if (volumeRetention(shop) === 'Delete') {
    const claims = await deps.client.list('PersistentVolumeClaim', {
      namespace,
      labelSelector: `app.kubernetes.io/instance=${name},app.kubernetes.io/name in (postgres,redis)`,
    });
    await Promise.all(
      claims.items.map((claim) =>
        ignoreNotFound(deps.client.delete('PersistentVolumeClaim', namespace, claim.metadata.name)),
      ),
    );
    const names = claims.items.map((claim) => claim.metadata.name);
    log.info({ claims: names }, 'deleted the data volumes (volumeRetention: Delete)');
    deps.events.record(shop, {
      type: 'Normal',
      reason: 'VolumesDeleted',
      action: 'Finalize',
      note: `deleted ${names.length} volume claims: ${names.join(', ') || 'none'}`,
    });
  } else {
    const kept = (deps.secrets?.list() ?? []).filter((s) => isCreateOnly(s) && isOwnedBy(s, shop));
    await Promise.all(
      kept.map((secret) =>
        ignoreNotFound(
          deps.client.mergePatch(
            'Secret',
            { namespace, name: secret.metadata.name },
            { metadata: { ownerReferences: null } },
          ),
        ),
      ),
    );
    log.info(
      { secrets: kept.map((s) => s.metadata.name) },
      'kept the data volumes and their credentials (volumeRetention: Retain)',
    );
    deps.events.record(shop, {
      type: 'Normal',
      reason: 'VolumesRetained',
      action: 'Finalize',
      note: `kept the data volumes and ${kept.length} generated Secrets`,
    });
  }
  await ignoreNotFound(
    deps.client.apply({
      apiVersion: shop.apiVersion,
      kind: 'ShopStack',
      metadata: { name, namespace, finalizers: [] },
    }),
  );
}
