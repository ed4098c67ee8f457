import { renderShopStack } from '@shopstack/cdk8s';
import { startControlPlane } from '../scripts/lib/controlplane.ts';
import { KubeClient } from './src/kube/client.ts';
import { installCrd } from './src/crd/install.ts';
import { settleLimited } from './src/limit.ts';

const cp = await startControlPlane({ dir: '/tmp/opx/cp2', installDaprCrds: true });
const client = new KubeClient(cp.kubeConfig());
await installCrd(client);
for (let n = 0; n < 4; n++) {
  const ns = `s${n}`;
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const objs = renderShopStack({ name: 'demo', namespace: ns, spec: { version: '1.0.0' } }) as any[];
  const conc = [1, 8, 16, 32][n] as number;
  const t = performance.now();
  const res = await settleLimited(objs, conc, (o) => (o.kind === 'Secret' ? client.create(o) : client.apply(o)));
  const bad = res.filter((r) => r.status === 'rejected');
  console.log(`conc ${conc}: ${objs.length} objects in ${(performance.now() - t).toFixed(0)} ms`, bad.length ? (bad[0] as any).reason.message : '');
}
const t = performance.now();
for (let i = 0; i < 50; i++) await client.get('Namespace', undefined, 's0');
console.log('50 GETs sequential', (performance.now() - t).toFixed(0));
await cp.stop();
