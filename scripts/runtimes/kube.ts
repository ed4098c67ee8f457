import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cacheDir, findBinary, pathDirs, runBuildScript, versions } from './binaries.ts';

export interface ControlPlaneBinaries {
  readonly kubeApiServer: string;
  readonly etcd: string;
  /** `--unsafe-no-fsync` exists from etcd 3.5; Debian's etcd-server 3.4 rejects it. */
  readonly etcdSupportsNoFsync: boolean;
}

interface Runtime {
  readonly binary: string;
  readonly cacheBin: string;
  readonly script: string;
  /** What to do instead of building, for the error message. */
  readonly alternative: string;
}

function pinned(name: string): string {
  const version = versions[name];
  if (!version) throw new Error(`${name} is missing from scripts/runtimes/versions.env`);
  return version;
}

async function locate(runtime: Runtime): Promise<string> {
  const found = findBinary(runtime.binary, [...pathDirs(), runtime.cacheBin]);
  if (found) return found;
  if (!findBinary('go', pathDirs())) {
    throw new Error(
      `${runtime.binary} is neither on PATH nor in ${runtime.cacheBin}, and 'go' is needed to build it: ` +
        `install Go, or ${runtime.alternative}`,
    );
  }
  process.stderr.write(`${runtime.binary} not found; building it with scripts/runtimes/${runtime.script}\n`);
  await runBuildScript(runtime.script);
  const built = findBinary(runtime.binary, [runtime.cacheBin]);
  if (!built) throw new Error(`${runtime.script} succeeded but left no ${runtime.binary} in ${runtime.cacheBin}`);
  return built;
}

async function etcdMinorVersion(etcd: string): Promise<number> {
  const { stdout } = await promisify(execFile)(etcd, ['--version']);
  const match = /etcd Version: 3\.(\d+)\./.exec(stdout);
  if (!match?.[1]) throw new Error(`cannot tell the version of ${etcd} from: ${stdout.trim()}`);
  return Number(match[1]);
}

/** Finds kube-apiserver and etcd on PATH, then in the runtime cache, and otherwise builds them from source. */
export async function ensureControlPlaneBinaries(): Promise<ControlPlaneBinaries> {
  const kubeVersion = pinned('KUBERNETES_VERSION');
  const etcdVersion = pinned('ETCD_VERSION');
  const kubeApiServer = await locate({
    binary: 'kube-apiserver',
    cacheBin: join(cacheDir, `kubernetes-${kubeVersion}`, 'bin'),
    script: 'build-kube.sh',
    alternative: `put kube-apiserver ${kubeVersion} on PATH`,
  });
  const etcd = await locate({
    binary: 'etcd',
    cacheBin: join(cacheDir, `etcd-${etcdVersion}`, 'bin'),
    script: 'build-etcd.sh',
    alternative: `put etcd ${etcdVersion} on PATH (Debian's etcd-server 3.4 also works)`,
  });
  return { kubeApiServer, etcd, etcdSupportsNoFsync: (await etcdMinorVersion(etcd)) >= 5 };
}
