import { labelKeys } from '@shopstack/cdk8s';
import { fieldManager } from '../kube/client.ts';
import type { KubeObject } from '../kube/object.ts';
import { objectKey } from '../kube/object.ts';
import { upToDate } from './compare.ts';
import type { Problem } from './status.ts';
import { workloadStatus } from './status.ts';

/** major, minor, patch of `1.2.3` or `v1.2.3-rc.1` (the pre-release and build are not compared). */
function numbers(version: string): [number, number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/** Negative when `a` is older than `b`, by major, minor and patch. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [numbers(a), numbers(b)];
  if (!x || !y) return 0;
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

/**
 * A version the operator will not roll to. Migrations only move forward and keep the previous version
 * working (expand/contract, docs/operations.md), so a downgrade below the version that ran last could
 * start code against a schema it cannot read: refused, and nothing is applied.
 */
export function versionProblem(running: string | undefined, wanted: string): Problem | undefined {
  if (!running || compareVersions(wanted, running) >= 0) return undefined;
  return {
    reason: 'DowngradeRefused',
    message:
      `spec.version ${wanted} is older than the running ${running}: its code may not read the schema ${running} ` +
      `migrated to, so nothing was rolled. Set spec.version back to ${running} or newer (roll forward with a fix)`,
  };
}

const dataStoreNames = new Set(['postgres', 'redis']);

/**
 * The objects to apply now: while a managed Postgres or Redis is not ready yet, service Deployments that
 * do not exist are held back, so a new shop starts its services (and their sidecars, whose components
 * connect at start) only once their data stores answer, with no crash loop. A Deployment that exists is
 * always applied: an outage of a data store later never removes or holds anything.
 */
export function startupOrder(
  objects: readonly KubeObject[],
  live: (obj: KubeObject) => KubeObject | undefined,
): { apply: KubeObject[]; held: string[] } {
  const stores = objects.filter(
    (o) => o.kind === 'StatefulSet' && dataStoreNames.has(o.metadata.labels?.[labelKeys.name] ?? ''),
  );
  if (stores.every((store) => workloadStatus(store, live(store)).ready)) return { apply: [...objects], held: [] };
  const held = objects.filter(
    (o) => o.kind === 'Deployment' && o.metadata.labels?.[labelKeys.component] === 'app' && !live(o),
  );
  return { apply: objects.filter((o) => !held.includes(o)), held: held.map((o) => objectKey(o)) };
}

const isService = (o: KubeObject) => o.kind === 'Deployment' && o.metadata.labels?.[labelKeys.component] === 'app';

/**
 * Whether a live Deployment's rollout has brought up its new pods: the controller saw its spec and every
 * wanted replica is updated and available. Old pods may still be draining (they only sleep), unlike in
 * `workloadStatus`, so the next service need not wait out their grace period.
 */
function rolledOut(live: KubeObject): boolean {
  const {
    metadata,
    spec,
    status = {},
  } = live as unknown as {
    metadata: { generation?: number };
    spec?: { replicas?: number };
    status?: { observedGeneration?: number; updatedReplicas?: number; availableReplicas?: number };
  };
  const replicas = spec?.replicas ?? 1;
  return (
    (status.observedGeneration ?? 0) >= (metadata.generation ?? 0) &&
    (status.updatedReplicas ?? 0) >= replicas &&
    (status.availableReplicas ?? 0) >= replicas
  );
}

/** A roll Kubernetes gave up on (past `progressDeadlineSeconds`): it no longer holds the others back. */
function stalled(live: KubeObject): boolean {
  const conditions = (live.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions;
  return conditions?.some((c) => c.type === 'Progressing' && c.status === 'False') ?? false;
}

/** Service Deployments rolling at once: a few, so a small node never starts every service and sidecar together. */
export const rollingAtOnce = 2;

/**
 * The objects to apply now while service Deployments change (a new version, an image, a setting): a few
 * services at a time (`rollingAtOnce`). The next one is applied only once a previous one's new pods are
 * up (the controller saw its spec, every replica is updated and available; old pods may still drain),
 * so a roll never starts every service and its sidecar at once on a small node, where probes time out and
 * requests fail. Held Deployments keep running as they are (neither applied nor pruned). A new Deployment
 * is never held, nor anything but a service Deployment.
 */
export function rollOrder(
  objects: readonly KubeObject[],
  live: (obj: KubeObject) => KubeObject | undefined,
  atOnce: number = rollingAtOnce,
): { apply: KubeObject[]; held: KubeObject[] } {
  const changed = objects.filter((o) => {
    const current = live(o);
    return isService(o) && current !== undefined && !upToDate(o, current, fieldManager);
  });
  const rolling = objects.filter((o) => {
    const current = live(o);
    // judged by the live spec: a Deployment merely wanting more replicas is not rolling yet
    return isService(o) && current !== undefined && !rolledOut(current) && !stalled(current);
  });
  // one that rolls may change again; the others start in rendering order while there is room
  const room = Math.max(0, atOnce - rolling.length);
  const held = changed.filter((o) => !rolling.includes(o)).slice(room);
  return { apply: objects.filter((o) => !held.includes(o)), held };
}
