import { labelKeys } from '@shopstack/cdk8s';
import type { KubeObject } from '../kube/object.ts';
import { objectKey } from '../kube/object.ts';
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
