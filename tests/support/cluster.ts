// The one kind cluster of a test run (tests/cluster/global-setup.ts): every kind test file calls
// sharedCluster(), which brings the cluster up when missing and reuses it otherwise (seconds when warm).
import { existsSync, writeFileSync } from 'node:fs';
import { inject } from 'vitest';
import { type ClusterTools, kubectl } from '../../scripts/cluster/addons.ts';
import { type ClusterUp, clusterUp, shopNamespace } from '../../scripts/cluster/up.ts';
import { clusterBuilt } from './cluster-build.ts';

/**
 * The beforeAll limit of every file that calls sharedCluster(): whichever file runs first may wait for a
 * build from nothing (28 min measured on two cores), then the cluster's creation and its own set-up.
 */
export const sharedClusterHookTimeout = 80 * 60_000;

/**
 * Dapr, Traefik and the operator on the shared cluster, without a ShopStack (applyShop() adds the demo shop),
 * once the background build of what it runs has ended.
 */
export async function sharedCluster(progress: (line: string) => void): Promise<ClusterUp> {
  await clusterBuilt(inject('clusterBuild'), progress);
  const foundFile = inject('clusterFoundFile');
  return clusterUp({
    progress,
    shop: false,
    onFound: (found) => {
      if (!existsSync(foundFile)) writeFileSync(foundFile, found);
    },
  });
}

/** The demo shop's service pods (app and daprd), as kubectl lists them, draining ones included. */
export async function appPods<T>(tools: ClusterTools): Promise<T[]> {
  const list = await kubectl(tools, [
    '-n',
    shopNamespace,
    'get',
    'pods',
    '-l',
    'app.kubernetes.io/component=app',
    '-o',
    'json',
  ]);
  return (JSON.parse(list) as { items: T[] }).items;
}
