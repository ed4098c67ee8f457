import type { V1Role, V1RoleBinding, V1ServiceAccount } from '@kubernetes/client-node';
import { Construct } from 'constructs';
import { databaseSecret } from './app-config.ts';
import { meta, objectLabels, objectName, type ShopContext } from './context.ts';
import { kubeObject } from './kube-object.ts';
import { secretNames } from './secrets.ts';

/**
 * The ServiceAccount the services run as. Dapr's Kubernetes secret store reads Secrets with the pod's
 * identity, so it may get exactly this shop's Secrets and nothing else.
 */
export class AppIdentity extends Construct {
  readonly serviceAccountName: string;

  constructor(scope: Construct, id: string, props: { readonly ctx: ShopContext }) {
    super(scope, id);
    const { ctx } = props;
    this.serviceAccountName = objectName(ctx, 'app');
    const labels = objectLabels(ctx, 'app', 'rbac');
    const name = objectName(ctx, 'secret-reader');
    const readable = [databaseSecret(ctx), secretNames.daprApiToken(ctx), secretNames.appApiToken(ctx)];
    if (ctx.spec.redis.mode === 'managed') readable.push(secretNames.redis(ctx));

    kubeObject<V1ServiceAccount>(this, 'ServiceAccount', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: meta(ctx, { name: this.serviceAccountName, labels }),
    });
    kubeObject<V1Role>(this, 'Role', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(ctx, { name, labels }),
      rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: readable, verbs: ['get'] }],
    });
    kubeObject<V1RoleBinding>(this, 'RoleBinding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(ctx, { name, labels }),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name: this.serviceAccountName, namespace: ctx.namespace }],
    });
  }
}
