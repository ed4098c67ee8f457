import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Proc, startProc, waitFor } from '../common/proc.ts';

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

const CREDENTIALS = ['ca.crt', 'issuer.crt', 'issuer.key'] as const;

/**
 * Starts Dapr Sentry, the CA that issues SPIFFE certificates for mTLS between sidecars.
 *
 * A Sentry that generates its credentials sees them appear in the directory it watches and restarts
 * its servers 2 s later, twice (Dapr 1.18.2): a sidecar asking for its certificate at that moment is
 * refused and exits. So a first start generates the credentials and stops; Sentry then runs on them.
 */
export async function startSentry(opts: SentryOptions): Promise<SentryServer> {
  const creds = join(opts.dir, 'credentials');
  mkdirSync(creds, { recursive: true });
  const generated = (): boolean => CREDENTIALS.every((file) => existsSync(join(creds, file)));
  if (!generated()) {
    const generator = await runSentry(opts, creds, generated);
    await generator.stop();
  }
  const proc = await runSentry(opts, creds, generated);
  return {
    address: `127.0.0.1:${opts.port}`,
    trustAnchors: readFileSync(join(creds, 'ca.crt'), 'utf8'),
    credentialsDir: creds,
    healthzUrl: `http://127.0.0.1:${opts.healthzPort}/healthz`,
    proc,
    stop: () => proc.stop(),
  };
}

async function runSentry(opts: SentryOptions, creds: string, generated: () => boolean): Promise<Proc> {
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
    async () => ((await fetch(`http://127.0.0.1:${opts.healthzPort}/healthz`)).ok && generated() ? true : undefined),
    { proc, timeoutMs: 30_000 },
  );
  return proc;
}
