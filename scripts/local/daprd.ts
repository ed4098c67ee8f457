import { createInterface } from 'node:readline';
import { SidecarClient } from '@shopstack/kit/sidecar';
import { defaultSidecarGoMaxProcs } from '../../cdk8s/src/spec.ts';
import { freePort } from '../common/ports.ts';
import { type Proc, startProc, waitFor } from '../common/proc.ts';

export interface SidecarPorts {
  readonly http: number;
  readonly grpc: number;
  readonly internalGrpc: number;
  readonly public: number;
  readonly metrics: number;
  /** Go's pprof endpoints (`/debug/pprof/…`), only when the stack profiles its sidecars. */
  readonly profile?: number;
}

/** Free loopback ports for one sidecar (and its pprof endpoint when `profile`). */
export async function freeSidecarPorts(profile = false): Promise<SidecarPorts> {
  return {
    http: await freePort(),
    grpc: await freePort(),
    internalGrpc: await freePort(),
    public: await freePort(),
    metrics: await freePort(),
    ...(profile ? { profile: await freePort() } : {}),
  };
}

export interface SidecarOptions {
  readonly bin: string;
  readonly appId: string;
  readonly appPort: number;
  readonly ports: SidecarPorts;
  /** Configuration file of this app (mTLS, tracing, access control, name resolution). */
  readonly configFile: string;
  readonly resourcesDir: string;
  readonly sentryAddress: string;
  readonly trustAnchors: string;
  /** Required from the app on every call to the sidecar's API. */
  readonly daprApiToken: string;
  /** Presented by the sidecar on every call to the app. */
  readonly appApiToken: string;
  /** Working directory: relative paths in the Configuration (the name-resolution database) resolve here. */
  readonly cwd: string;
  /** Extra environment, e.g. the secrets the local env secret store serves to components. */
  readonly env?: Readonly<Record<string, string>>;
  readonly logFile: string;
}

export interface Sidecar {
  readonly appId: string;
  readonly ports: SidecarPorts;
  readonly proc: Proc;
  stop(): Promise<void>;
}

/** Starts a `daprd` for one app in self-hosted mode with mTLS through Sentry, bound to loopback. */
export async function startSidecar(opts: SidecarOptions): Promise<Sidecar> {
  const { ports } = opts;
  const proc = startProc({
    name: `daprd-${opts.appId}`,
    command: opts.bin,
    args: [
      `--app-id=${opts.appId}`,
      `--app-port=${opts.appPort}`,
      '--app-protocol=http',
      '--mode=standalone',
      `--dapr-http-port=${ports.http}`,
      `--dapr-grpc-port=${ports.grpc}`,
      `--dapr-internal-grpc-port=${ports.internalGrpc}`,
      '--dapr-internal-grpc-listen-address=127.0.0.1',
      '--dapr-listen-addresses=127.0.0.1',
      `--dapr-public-port=${ports.public}`,
      '--dapr-public-listen-address=127.0.0.1',
      `--metrics-port=${ports.metrics}`,
      '--metrics-listen-address=127.0.0.1',
      '--enable-mtls',
      `--sentry-address=${opts.sentryAddress}`,
      `--config=${opts.configFile}`,
      `--resources-path=${opts.resourcesDir}`,
      '--placement-host-address=',
      '--scheduler-host-address=',
      '--log-as-json',
      ...(ports.profile ? ['--enable-profiling', `--profile-port=${ports.profile}`] : []),
    ],
    cwd: opts.cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...opts.env,
      DAPR_HOST_IP: '127.0.0.1',
      GOMAXPROCS: String(defaultSidecarGoMaxProcs), // as in a cluster (cdk8s/src/spec.ts)
      DAPR_TRUST_ANCHORS: opts.trustAnchors,
      DAPR_API_TOKEN: opts.daprApiToken,
      APP_API_TOKEN: opts.appApiToken,
    },
    logFile: opts.logFile,
  });
  const failures = componentFailures(proc);
  // the app's own client, with the app's token (healthz takes none, every other call needs it)
  const sidecar = new SidecarClient(
    { host: '127.0.0.1', httpPort: ports.http, apiToken: opts.daprApiToken },
    { callMs: 2_000 },
  );
  await waitFor(`daprd for ${opts.appId} to become healthy`, () => sidecar.healthz().then(() => true), {
    proc,
    timeoutMs: 60_000,
    intervalMs: 200,
  });
  if (failures.length) {
    await proc.stop(10_000);
    throw new Error(`daprd for ${opts.appId} could not initialise ${failures.join('; ')} (log: ${opts.logFile})`);
  }
  return { appId: opts.appId, ports, proc, stop: () => proc.stop(10_000) };
}

/**
 * What daprd logs as INIT_COMPONENT_FAILURE while it starts. It then runs on and reports healthy without
 * the component: without its name resolution, for instance, no other sidecar can reach its app.
 */
function componentFailures(proc: Proc): string[] {
  const failures: string[] = [];
  if (!proc.child.stdout) return failures;
  createInterface({ input: proc.child.stdout }).on('line', (line) => {
    if (!line.includes('INIT_COMPONENT_FAILURE')) return;
    let msg = line;
    try {
      msg = (JSON.parse(line) as { msg?: string }).msg ?? line;
    } catch {
      // not JSON: keep the line
    }
    failures.push(msg.replace(/^\[INIT_COMPONENT_FAILURE\]: initialization error occurred for /, ''));
  });
  return failures;
}
