import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Proc, startProc, waitFor } from './proc.ts';

export interface SentryServer {
  readonly address: string;
  /** PEM of the root CA that issues every sidecar's workload certificate. */
  readonly trustAnchors: string;
  /** Where Sentry keeps ca.crt, issuer.crt and issuer.key. */
  readonly credentialsDir: string;
  readonly healthzUrl: string;
  readonly proc: Proc;
  stop(): Promise<void>;
}

export interface SentryOptions {
  readonly bin: string;
  /** Holds the issuer credentials (ca.crt, issuer.crt, issuer.key); Sentry generates them on first start and reuses them. */
  readonly dir: string;
  readonly port: number;
  readonly healthzPort: number;
  readonly metricsPort: number;
  /** The control-plane Configuration (mTLS settings). */
  readonly configFile: string;
  readonly logFile: string;
}

/** Starts Dapr Sentry, the CA that issues SPIFFE certificates for mTLS between sidecars. */
export async function startSentry(opts: SentryOptions): Promise<SentryServer> {
  const creds = join(opts.dir, 'credentials');
  mkdirSync(creds, { recursive: true });
  const proc = startProc({
    name: 'sentry',
    command: opts.bin,
    args: [
      `--issuer-credentials=${creds}`,
      '--trust-domain=localhost',
      `--port=${opts.port}`,
      '--listen-address=127.0.0.1',
      `--healthz-port=${opts.healthzPort}`,
      '--healthz-listen-address=127.0.0.1',
      `--metrics-port=${opts.metricsPort}`,
      '--metrics-listen-address=127.0.0.1',
      `--config=${opts.configFile}`,
      '--log-as-json',
    ],
    logFile: opts.logFile,
  });
  await waitFor(
    'sentry to become healthy',
    async () =>
      (await fetch(`http://127.0.0.1:${opts.healthzPort}/healthz`)).ok && existsSync(join(creds, 'ca.crt'))
        ? true
        : undefined,
    { proc, timeoutMs: 30_000 },
  );
  return {
    address: `127.0.0.1:${opts.port}`,
    trustAnchors: readFileSync(join(creds, 'ca.crt'), 'utf8'),
    credentialsDir: creds,
    healthzUrl: `http://127.0.0.1:${opts.healthzPort}/healthz`,
    proc,
    stop: () => proc.stop(),
  };
}
