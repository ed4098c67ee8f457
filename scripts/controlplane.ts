// `npm run controlplane`: a local etcd + kube-apiserver in the foreground until Ctrl-C.
import { resolve } from 'node:path';
import { startControlPlane } from './controlplane/controlplane.ts';

const dir = resolve(import.meta.dirname, '..', '.shopstack', 'controlplane');
const controlPlane = await startControlPlane({ dir, installDaprCrds: true });
process.stdout.write(
  `control plane ready at ${controlPlane.server} (Dapr CRDs installed; logs in ${dir}/logs)\n` +
    `kubeconfig: ${controlPlane.kubeconfigPath}\n` +
    `export KUBECONFIG=${controlPlane.kubeconfigPath}\n`,
);

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`${signal}: stopping the control plane\n`);
  await controlPlane.stop();
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
