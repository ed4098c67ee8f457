// `npm run cluster`: a kind cluster `shopstack` with Dapr, Traefik, the operator and a ShopStack behind
// the ingress on 127.0.0.1. `-- --delete` removes the cluster (built images and binaries stay cached);
// `-- --no-shop` stops after the operator; `-- --stop` stops the node (frees its CPU and memory; the
// next `npm run cluster` starts it again with everything in it); `-- --prepare` only builds or reuses
// what a cluster runs (kind, its node image, the images) and creates nothing.
import { parseArgs } from 'node:util';
import { deleteCluster, stopCluster } from './cluster/kind.ts';
import { clusterUp, ingressUrl, prepareCluster, shopNamespace } from './cluster/up.ts';

const progress = (line: string): void => void process.stderr.write(`${line}\n`);
const began = Date.now();
const elapsed = (): string => ((Date.now() - began) / 1000).toFixed(0);
const printTimings = (timings: readonly { step: string; seconds: number }[]): void => {
  for (const { step, seconds } of timings) progress(`  ${step.padEnd(32)} ${seconds}s`);
};

try {
  const { values } = parseArgs({
    options: {
      delete: { type: 'boolean' },
      stop: { type: 'boolean' },
      'no-shop': { type: 'boolean' },
      prepare: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log('usage: npm run cluster [-- --no-shop | --prepare | --stop | --delete]');
    process.exit(0);
  }
  if (values.delete) {
    await deleteCluster({ progress });
    progress('cluster shopstack deleted (images and binaries stay cached under ~/.cache/shopstack)');
    process.exit(0);
  }
  if (values.stop) {
    await stopCluster({ progress });
    progress('cluster shopstack stopped; `npm run cluster` starts it again');
    process.exit(0);
  }
  if (values.prepare) {
    const timings = await prepareCluster(progress);
    progress(`\neverything the cluster runs is built, in ${elapsed()}s`);
    printTimings(timings);
    process.exit(0);
  }
  const up = await clusterUp({ progress, shop: !values['no-shop'] });
  const how = { none: 'created', stopped: 'started', running: 'reused' }[up.found];
  progress(`\ncluster ${how} and ready in ${elapsed()}s`);
  printTimings(up.timings);
  progress(`\nkubeconfig: export KUBECONFIG=${up.tools.kubeconfig}`);
  if (!values['no-shop']) {
    progress(`REST API:   ${ingressUrl}/api/v1/products`);
    progress(`API docs:   ${ingressUrl}/api/docs`);
    progress(
      `admin:      kubectl -n ${shopNamespace} get secret shop-admin -o jsonpath='{.data.password}' | base64 -d`,
    );
  }
} catch (err) {
  progress(`error: ${(err as Error).message}`);
  process.exit(1);
}
