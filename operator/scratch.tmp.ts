import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import pino from 'pino';
import { startControlPlane } from '../scripts/lib/controlplane.ts';
import { loadConfig } from './src/config.ts';
import { startOperator } from './src/operator.ts';
import { KubeClient } from './src/kube/client.ts';

const t0 = Date.now();
process.on('exit', () => {}); const cp = await startControlPlane({ dir: '/tmp/opx/cp', installDaprCrds: true, auditLog: true });
console.log('cp up', Date.now() - t0, cp.kubeconfigPath);
const log = pino({ level: 'info' }, pino.destination('/tmp/opx/op.log'));
const op = await startOperator(loadConfig(['--install-crds', '--metrics-port', '0', '--lease-duration-ms', '3000', '--renew-deadline-ms', '2000', '--retry-period-ms', '500']), log, cp.kubeConfig());
const client = new KubeClient(cp.kubeConfig());
await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
const shop = parse(readFileSync('operator/examples/shopstack.yaml', 'utf8'));
const t1 = Date.now();
await client.create(shop);
for (let i = 0; i < 100; i++) {
  const s: any = await client.get('ShopStack', 'shop', 'demo');
  if (s.status?.conditions) { console.log('status after', Date.now() - t1, JSON.stringify(s.status).slice(0, 600)); break; }
  await new Promise((r) => setTimeout(r, 100));
}
await new Promise((r) => setTimeout(r, 3000));
for (const kind of ['Deployment','Component','Subscription','Configuration','Secret','StatefulSet']) {
  const l = await client.list(kind, { namespace: 'shop' });
  console.log(kind, l.items.length);
}
await op.stop();
await cp.stop();
