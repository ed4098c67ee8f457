// The dashboard's container entry: the Dapr view of the pod's own namespace, from the Kubernetes API.
import { inClusterNamespace, inClusterReader } from './kube-client.ts';
import { KubeSource } from './kube-source.ts';
import { startDashboard } from './server.ts';
import { webDist } from './build.ts';

const port = Number(process.env.PORT ?? '8080');
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`PORT must be a TCP port, got "${process.env.PORT}"`);
  process.exit(1);
}
const namespace = process.env.SHOPSTACK_NAMESPACE ?? inClusterNamespace();
const dashboard = await startDashboard({
  source: new KubeSource({ reader: inClusterReader(), namespace }),
  assetsDir: process.env.DASHBOARD_ASSETS ?? webDist,
  port,
  host: '0.0.0.0',
});
console.log(JSON.stringify({ msg: 'Dapr view listening', namespace, url: dashboard.url }));
const stop = (): void => void dashboard.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
