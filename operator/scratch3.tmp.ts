import { renderShopStack } from '@shopstack/cdk8s';
import { startControlPlane } from '../scripts/lib/controlplane.ts';
import { KubeClient } from './src/kube/client.ts';
import { installCrd } from './src/crd/install.ts';
import { settleLimited } from './src/limit.ts';

const cp = await startControlPlane({ dir: '/tmp/opx/cp3', installDaprCrds: true });
const client = new KubeClient(cp.kubeConfig());
await installCrd(client);
const N = Number(process.env.N ?? 10);
const conc = Number(process.env.C ?? 8);
const shops = Array.from({ length: N }, (_, i) => `b${i}`);
for (const ns of shops) await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
const t = performance.now();
let count = 0;
await Promise.all(shops.map(async (ns) => {
  const objs = renderShopStack({ name: 'demo', namespace: ns, spec: { version: '1.0.0' } }) as any[];
  count += objs.length;
  await settleLimited(objs, conc, (o) => (o.kind === 'Secret' ? client.create(o) : client.apply(o)));
}));
const ms = performance.now() - t;
console.log(`${N} shops, ${count} objects in ${ms.toFixed(0)} ms = ${(count / ms * 1000).toFixed(0)}/s`);
await cp.stop();
