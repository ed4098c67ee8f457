// The dashboard's container entry: the Dapr view of the pod's own namespace, from the Kubernetes API.
import { gatewayAuth } from './admin-auth.ts';
import { inClusterNamespace, inClusterReader } from './kube-client.ts';
import { KubeSource } from './kube-source.ts';
import { webDist } from './paths.ts';
import { type Dashboard, startDashboard } from './server.ts';

function fail(message: string): never {
  console.error(JSON.stringify({ level: 'error', msg: message }));
  process.exit(1);
}

const port = Number(process.env.PORT ?? '8080');
if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`PORT must be a TCP port, got "${process.env.PORT}"`);

// on the ingress only the shop's admins see the view: identity checks their login through the gateway
const gatewayUrl = process.env.SHOPSTACK_GATEWAY_URL ?? '';
if (!URL.canParse(gatewayUrl)) fail(`SHOPSTACK_GATEWAY_URL must be the shop's gateway URL, got "${gatewayUrl}"`);

let dashboard: Dashboard;
let namespace: string;
try {
  const reader = inClusterReader();
  namespace = process.env.SHOPSTACK_NAMESPACE ?? inClusterNamespace();
  dashboard = await startDashboard({
    source: new KubeSource({ reader, namespace }),
    assetsDir: process.env.DASHBOARD_ASSETS ?? webDist,
    port,
    host: '0.0.0.0',
    auth: gatewayAuth(gatewayUrl),
  });
} catch (err) {
  fail(`the Dapr view cannot start: ${(err as Error).message}`);
}
console.log(JSON.stringify({ level: 'info', msg: 'Dapr view listening', namespace, url: dashboard.url }));
const stop = (): void => void dashboard.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
