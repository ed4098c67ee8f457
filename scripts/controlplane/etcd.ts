import { join } from 'node:path';
import { freePort } from '../common/ports.ts';
import { type Proc, startProc, waitFor } from '../common/proc.ts';
import type { ControlPlaneBinaries } from '../runtimes/kube.ts';
import { startFailure } from './failure.ts';

export interface Etcd {
  readonly proc: Proc;
  readonly url: string;
}

/** Starts a single-member etcd with its data under `${dir}/etcd` and waits until it reports healthy. */
export async function startEtcd(bins: ControlPlaneBinaries, dir: string): Promise<Etcd> {
  const url = `http://127.0.0.1:${await freePort()}`;
  const args = [
    `--data-dir=${join(dir, 'etcd')}`,
    `--listen-client-urls=${url}`,
    `--advertise-client-urls=${url}`,
    // port 0: a fixed peer port would clash between control planes running side by side
    '--listen-peer-urls=http://localhost:0',
    '--log-level=warn',
    ...(bins.etcdSupportsNoFsync ? ['--unsafe-no-fsync'] : []),
  ];
  const logFile = join(dir, 'logs', 'etcd.log');
  const proc = startProc({ name: 'etcd', command: bins.etcd, args, logFile });
  try {
    await waitFor(
      'etcd to report healthy',
      async () => {
        const res = await fetch(`${url}/health`);
        const body = (await res.json()) as { health?: string };
        return body.health === 'true' ? true : undefined;
      },
      { proc, timeoutMs: 30_000 },
    );
  } catch (err) {
    await proc.stop();
    throw startFailure('etcd', logFile, err);
  }
  return { proc, url };
}
