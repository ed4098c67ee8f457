import type { V1LabelSelector, V1NetworkPolicyPort } from '@kubernetes/client-node';
import { Construct } from 'constructs';
import { manifests } from '../../services/manifests.ts';
import { clusterTarget, componentSpecs } from './dapr-components.ts';
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
import { appPort, databaseServices } from './profiles.ts';
import { redisPort } from './redis.ts';
import { type ServiceName, serviceNames } from './spec.ts';

// the client-node model spells `from` as `_from` (a reserved word in its generator), so the wire shape is typed here
interface Peer {
  readonly podSelector?: V1LabelSelector;
  readonly namespaceSelector?: V1LabelSelector;
  readonly ipBlock?: { cidr: string; except?: string[] };
}
interface Rule {
  readonly ports?: V1NetworkPolicyPort[];
}
export interface PolicySpec {
  readonly podSelector: V1LabelSelector;
  readonly policyTypes: ('Ingress' | 'Egress')[];
  readonly ingress?: (Rule & { from?: Peer[] })[];
  readonly egress?: (Rule & { to?: Peer[] })[];
}

/** Sidecar-to-sidecar gRPC port of daprd; service invocation between apps arrives here. */
export const daprInternalPort = 50002;
/** daprd's Prometheus port (the injector's default; `dapr.io/enable-metrics` is on). */
export const daprMetricsPort = 9090;
/** The label that lets a pod of the shop's namespace scrape the apps' and sidecars' metrics. */
export const scraperLabel = 'shopstack.dev/scraper';
/** The pod ports of Dapr's control plane a sidecar dials: Sentry, placement, scheduler, operator. */
export const daprControlPlanePorts = { sentry: 50001, placement: 50005, scheduler: 50006, operator: 6500 } as const;
/** Link-local addresses, the cloud metadata endpoint (169.254.169.254) among them: never reachable. */
export const linkLocal = '169.254.0.0/16';

const tcp = (...ports: number[]): V1NetworkPolicyPort[] => ports.map((port) => ({ protocol: 'TCP', port }));
const byName = (ctx: ShopContext, names: readonly string[]): V1LabelSelector => ({
  matchLabels: { [labelKeys.instance]: ctx.name },
  matchExpressions: [{ key: labelKeys.name, operator: 'In', values: [...names] }],
});

function ipv4(address: string): number {
  return address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** An ipBlock for `cidr` that leaves out the link-local range when the block contains it. */
export function outsideLinkLocal(cidr: string): Peer {
  const [address = '', bits = '32'] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(ipv4(address) / size) * size;
  const metadata = ipv4('169.254.0.0');
  const contains = !cidr.includes(':') && metadata >= start && metadata < start + size;
  return { ipBlock: { cidr, ...(contains && Number(bits) <= 16 && { except: [linkLocal] }) } };
}

/** Egress to the Kubernetes API server's endpoints (spec.network.apiServer), for pods that read the API. */
export function apiServerEgress(ctx: ShopContext): { to: Peer[]; ports: V1NetworkPolicyPort[] } {
  const { cidrs, port } = ctx.spec.network.apiServer;
  return { to: cidrs.map(outsideLinkLocal), ports: tcp(port) };
}

/** Services whose pods talk to Redis: the app itself (manifest `redis`) or its sidecar (a Redis component). */
export function redisClients(ctx: ShopContext): ServiceName[] {
  const scoped = componentSpecs(clusterTarget(ctx))
    .filter((component) => component.type.includes('redis'))
    .flatMap((component) => component.scopes ?? []);
  return serviceNames.filter((name) => manifests[name].redis !== undefined || scoped.includes(name));
}

/** `host:port` → the port, or undefined. */
function portOf(address: string | undefined): number | undefined {
  const port = Number(address?.split(':').pop());
  return Number.isInteger(port) && port > 0 ? port : undefined;
}

/**
 * Deny all traffic to and from the shop's pods, then open exactly:
 * - ingress: sidecar to sidecar, anyone to the gateway (the public edge, reached through the ingress
 *   controller), Postgres and Redis from the services that use them (Postgres from the backup and
 *   restore Jobs too), a labelled scraper to the metrics;
 * - egress: DNS, sidecar to sidecar and to Dapr's control plane, Postgres and Redis for their clients, the
 *   API server for the sidecars (the Kubernetes secret store, Dapr's operator lists components through it
 *   too) and the Dapr view; never link-local addresses (cloud metadata) nor another namespace.
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
    const { database, redis, dapr } = ctx.spec;

    policy('default-deny', {
      podSelector: { matchLabels: { [labelKeys.instance]: ctx.name } },
      policyTypes: ['Ingress', 'Egress'],
    });
    policy('dns', {
      podSelector: { matchLabels: { [labelKeys.instance]: ctx.name } },
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            },
          ],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    });
    policy('dapr-mesh', {
      podSelector: apps.podSelector,
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [apps], ports: tcp(daprInternalPort) }],
      egress: [
        { to: [apps], ports: tcp(daprInternalPort) },
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': dapr.controlPlaneNamespace } } }],
          ports: tcp(...Object.values(daprControlPlanePorts)),
        },
        apiServerEgress(ctx),
      ],
    });
    policy('metrics-scraper', {
      podSelector: apps.podSelector,
      policyTypes: ['Ingress'],
      ingress: [
        { from: [{ podSelector: { matchLabels: { [scraperLabel]: 'true' } } }], ports: tcp(appPort, daprMetricsPort) },
      ],
    });
    policy('gateway-public', {
      podSelector: { matchLabels: selectorLabels(ctx, 'gateway') },
      policyTypes: ['Ingress'],
      ingress: [{ ports: tcp(appPort) }],
    });
    const stores = [
      {
        name: 'postgres',
        clients: databaseServices(),
        // the backup and restore Jobs (cdk8s/src/backup.ts) dump and load every database
        backups: true,
        port: postgresPort,
        managed: database.mode === 'managed',
      },
      {
        name: 'redis',
        clients: redisClients(ctx),
        backups: false,
        port: portOf(redis.external?.address) ?? redisPort,
        managed: redis.mode === 'managed',
      },
    ];
    for (const store of stores) {
      const clients = { podSelector: byName(ctx, store.clients) };
      if (store.managed) {
        policy(`${store.name}-clients`, {
          podSelector: { matchLabels: selectorLabels(ctx, store.name) },
          policyTypes: ['Ingress'],
          ingress: [{ from: store.backups ? [clients, backupPods] : [clients], ports: tcp(store.port) }],
        });
      }
      // an external server's address is only known to its clients (a URL in a Secret): its port, anywhere
      const to = store.managed ? [{ podSelector: { matchLabels: selectorLabels(ctx, store.name) } }] : [];
      const egress = [{ to: to.length ? to : [outsideLinkLocal('0.0.0.0/0')], ports: tcp(store.port) }];
      policy(`to-${store.name}`, { podSelector: clients.podSelector, policyTypes: ['Egress'], egress });
      if (store.backups) {
        policy(`backups-to-${store.name}`, { podSelector: backupPods.podSelector, policyTypes: ['Egress'], egress });
      }
    }
    const otlpPort = portOf(dapr.tracing.otlpEndpoint);
    if (otlpPort) {
      policy('to-tracing', {
        podSelector: apps.podSelector,
        policyTypes: ['Egress'],
        egress: [{ to: [outsideLinkLocal('0.0.0.0/0')], ports: tcp(otlpPort) }],
      });
    }
  }
}
