import { randomBytes } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import { Construct } from 'constructs';
import { meta, objectLabels, objectName, type ShopContext } from './context.ts';
import { kubeObject } from './kube-object.ts';

/**
 * Marks an object the operator creates when absent and never updates: generated credentials must keep
 * their first random value, so they are left out of server-side apply and out of static manifests.
 */
export const createOnlyAnnotation = 'shopstack.io/create-only';

/** Where generated secret values come from; tests pass a deterministic one. */
export interface RandomSource {
  /** A URL-safe random string carrying `bytes` bytes of entropy. */
  token(bytes: number): string;
}

export const cryptoRandom: RandomSource = {
  token: (bytes) => randomBytes(bytes).toString('hex'),
};

export const secretNames = {
  postgres: (ctx: ShopContext): string => objectName(ctx, 'postgres'),
  redis: (ctx: ShopContext): string => objectName(ctx, 'redis'),
  daprApiToken: (ctx: ShopContext): string => objectName(ctx, 'dapr-api-token'),
  appApiToken: (ctx: ShopContext): string => objectName(ctx, 'app-api-token'),
};

export interface GeneratedSecretProps {
  readonly ctx: ShopContext;
  readonly name: string;
  /** app.kubernetes.io/name of the secret, e.g. the component that reads it. */
  readonly component: string;
  readonly data: Readonly<Record<string, string>>;
}

/**
 * A Secret with generated values, created once (see createOnlyAnnotation). Not `immutable`: the kubelet
 * stops watching immutable Secrets, so after a ShopStack is deleted and re-created under the same name
 * its pods were handed the old passwords while Dapr's operator read the new ones (seen on kind).
 */
export class GeneratedSecret extends Construct {
  constructor(scope: Construct, id: string, props: GeneratedSecretProps) {
    super(scope, id);
    kubeObject<V1Secret>(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta(props.ctx, {
        name: props.name,
        labels: objectLabels(props.ctx, props.component, 'credentials'),
        annotations: { [createOnlyAnnotation]: 'true' },
      }),
      type: 'Opaque',
      stringData: { ...props.data },
    });
  }
}
