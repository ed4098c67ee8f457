import { databaseServiceNames, type ShopStackSpec } from '@shopstack/cdk8s';
import type { KubeClient } from '../kube/client.ts';
import { isStatus } from '../kube/errors.ts';
import type { KubeObject } from '../kube/object.ts';
import type { Problem } from './status.ts';

/**
 * Dapr app ids and component names are per namespace, so one namespace holds one shop. The oldest
 * ShopStack keeps it; later ones report the conflict instead of fighting over the same objects.
 */
export function namespaceConflict(shop: KubeObject, all: readonly KubeObject[]): Problem | undefined {
  const rivals = all.filter(
    (other) =>
      other.metadata.namespace === shop.metadata.namespace && other !== shop && !other.metadata.deletionTimestamp,
  );
  const age = (o: KubeObject) => `${o.metadata.creationTimestamp ?? ''}/${o.metadata.name}`;
  const first = rivals.find((other) => age(other) < age(shop));
  if (!first) return undefined;
  return {
    reason: 'NamespaceTaken',
    message: `namespace ${shop.metadata.namespace} already runs ShopStack ${first.metadata.name}; use one namespace per shop`,
  };
}

/** The external database Secret must exist and hold a URL for every Postgres-backed service. */
export async function externalDatabaseProblem(
  client: KubeClient,
  namespace: string,
  spec: ShopStackSpec,
): Promise<Problem | undefined> {
  const ref = spec.database.mode === 'external' ? spec.database.external?.secretRef : undefined;
  if (!ref) return undefined;
  try {
    const secret = await client.get<KubeObject & { data?: Record<string, string> }>('Secret', namespace, ref.name);
    const missing = databaseServiceNames()
      .map((s) => `${s}-url`)
      .filter((key) => !secret.data?.[key]);
    if (missing.length === 0) return undefined;
    return {
      reason: 'DatabaseSecretInvalid',
      message: `Secret ${ref.name} (spec.database.external.secretRef) lacks the keys ${missing.join(', ')}`,
    };
  } catch (err) {
    if (!isStatus(err, 404)) throw err;
    return {
      reason: 'DatabaseSecretMissing',
      message: `Secret ${ref.name} named by spec.database.external.secretRef does not exist in ${namespace}`,
    };
  }
}
