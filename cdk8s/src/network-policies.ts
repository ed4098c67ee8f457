import type { V1LabelSelector, V1NetworkPolicyPort } from '@kubernetes/client-node';
import { Construct } from 'constructs';
import {
  appPodLabels,
  labelKeys,
  meta,
  objectLabels,
  objectName,
  type ShopContext,
  selectorLabels,
} from './context.ts';
import { backupComponent } from './backup.ts';
import { kubeObject } from './kube-object.ts';
import { postgresPort } from './postgres.ts';
import { appPort } from './profiles.ts';
import { redisPort } from './redis.ts';

// the client-node model spells `from` as `_from` (a reserved word in its generator), so the wire shape is typed here
interface PolicySpec {
  readonly podSelector: V1LabelSelector;
  readonly policyTypes: string[];
  readonly ingress?: { from?: { podSelector: V1LabelSelector }[]; ports: V1NetworkPolicyPort[] }[];
}

/** Sidecar-to-sidecar gRPC port of daprd; service invocation between apps arrives here. */
export const daprInternalPort = 50002;

/**
 * Deny all ingress to the shop's pods, then open exactly: sidecar to sidecar, anyone to the gateway
 * (it is the public edge, reached through the ingress controller), apps to Postgres and Redis, the backup and restore Jobs to Postgres.
 */
export class NetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: { readonly ctx: ShopContext }) {
    super(scope, id);
    const { ctx } = props;
    const apps = { podSelector: { matchLabels: appPodLabels(ctx) } };
    const backupPods = {
      podSelector: { matchLabels: { [labelKeys.instance]: ctx.name, [labelKeys.component]: backupComponent } },
    };
    const policy = (suffix: string, spec: PolicySpec) => {
      const name = objectName(ctx, suffix);
      kubeObject(this, suffix, {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: meta(ctx, { name, labels: objectLabels(ctx, suffix, 'network') }),
        spec,
      });
    };
    const tcp = (port: number | string) => [{ protocol: 'TCP', port }];

    policy('default-deny', {
      podSelector: { matchLabels: { [labelKeys.instance]: ctx.name } },
      policyTypes: ['Ingress'],
    });
    policy('dapr-mesh', {
      podSelector: apps.podSelector,
      policyTypes: ['Ingress'],
      ingress: [{ from: [apps], ports: tcp(daprInternalPort) }],
    });
    policy('gateway-public', {
      podSelector: { matchLabels: selectorLabels(ctx, 'gateway') },
      policyTypes: ['Ingress'],
      ingress: [{ ports: tcp(appPort) }],
    });
    if (ctx.spec.database.mode === 'managed') {
      policy('postgres-clients', {
        podSelector: { matchLabels: selectorLabels(ctx, 'postgres') },
        policyTypes: ['Ingress'],
        // the backup and restore Jobs (cdk8s/src/backup.ts) dump and load every database
        ingress: [{ from: [apps, backupPods], ports: tcp(postgresPort) }],
      });
    }
    if (ctx.spec.redis.mode === 'managed') {
      policy('redis-clients', {
        podSelector: { matchLabels: selectorLabels(ctx, 'redis') },
        policyTypes: ['Ingress'],
        ingress: [{ from: [apps], ports: tcp(redisPort) }],
      });
    }
  }
}
