import type { OwnerReference } from '@shopstack/cdk8s';
import { apiVersion } from '../crd/crd.ts';
import type { KubeObject } from '../kube/object.ts';

export const finalizer = 'shopstack.io/cleanup';
export const managedBy = 'shopstack-operator';

export function ownerReference(shop: KubeObject): OwnerReference {
  return {
    apiVersion,
    kind: 'ShopStack',
    name: shop.metadata.name,
    uid: shop.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** `namespace/name` of the ShopStack controlling `obj`, if any. */
export function ownerKey(obj: KubeObject): string | undefined {
  const ref = obj.metadata.ownerReferences?.find((r) => r.kind === 'ShopStack' && r.controller);
  return ref && obj.metadata.namespace ? `${obj.metadata.namespace}/${ref.name}` : undefined;
}

export function isOwnedBy(obj: KubeObject, shop: KubeObject): boolean {
  return obj.metadata.ownerReferences?.some((r) => r.uid === shop.metadata.uid) ?? false;
}

/** Kind/namespace/name: identifies a desired object across kinds. */
export function identity(obj: KubeObject): string {
  return `${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}
