import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type DaprBinaries, ensureDaprBinaries } from '../runtimes/dapr.ts';
import { sidecarSecretEnv } from './component-target.ts';
import { freeSidecarPorts, type Sidecar, type SidecarPorts, startSidecar } from './daprd.ts';
import { freePort } from '../common/ports.ts';
import { type PostgresServer, startPostgres } from './postgres.ts';
import { type Proc, startProc, waitFor } from '../common/proc.ts';
import { type RedisServer, startRedis } from './redis.ts';
import { loadOrCreateSecrets, type StackSecrets } from './secrets.ts';
import { type SentryServer, startSentry } from './sentry.ts';
import { manifests, nodeOptions, type ServiceName } from '../../services/manifests.ts';

const root = resolve(import.meta.dirname, '../..');
const otelPreload = join(root, 'services', 'kit', 'src', 'otel-preload.ts');
export const componentsDir: string = join(root, 'components');

export interface StackOptions {
  /** Where data, logs and secrets live (`.shopstack/` for `npm start`, a temp dir in tests). */
  readonly dir: string;
  readonly services: readonly ServiceName[];
  /** `fixed`: the documented ports (gateway on 8080); `random`: free ports, for tests. */
  readonly ports: 'fixed' | 'random';
  readonly seedDemo?: boolean;
  /** The admin account to create at start-up, given to the services whose manifest has `adminEnv`. */
  readonly admin?: { readonly email: string; readonly password: string };
  /** Extra environment per service, e.g. to shorten a deadline in a test. */
  readonly env?: Readonly<Partial<Record<ServiceName, Readonly<Record<string, string>>>>>;
  /** Each sidecar serves Go's pprof endpoints on `ports.profile` (loopback), for the benchmarks. */
  readonly profileSidecars?: boolean;
  readonly progress?: (line: string) => void;
}

export interface RunningService {
  readonly name: ServiceName;
  readonly appPort: number;
  readonly proc: Proc;
  readonly sidecar: Sidecar;
  readonly tokens: { readonly daprApiToken: string; readonly appApiToken: string };
}

export interface Stack {
  readonly gatewayUrl: string;
  readonly postgres: PostgresServer;
  readonly redis: RedisServer;
  readonly sentry: SentryServer;
  readonly services: Readonly<Partial<Record<ServiceName, RunningService>>>;
  readonly secrets: StackSecrets;
  readonly binaries: DaprBinaries;
  /** Starts one service again (after a test stopped or killed it) with the same ports and tokens. */
  restartService(name: ServiceName): Promise<void>;
  stop(): Promise<void>;
}

const fixed = { postgres: 15432, redis: 16379, sentry: 15050, gateway: 8080, appBase: 3100, daprBase: 3600 };

async function sidecarPorts(opts: StackOptions, index: number): Promise<SidecarPorts> {
  if (opts.ports === 'random') return freeSidecarPorts(opts.profileSidecars);
  const base = fixed.daprBase + index * 10;
  return {
    http: base,
    grpc: base + 1,
    internalGrpc: base + 2,
    public: base + 3,
    metrics: base + 4,
    ...(opts.profileSidecars ? { profile: base + 5 } : {}),
  };
}

/** Starts Postgres, Redis, Sentry, and each service with its own mTLS sidecar. Stops what it started if a step fails. */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const progress = opts.progress ?? (() => undefined);
  const logs = join(opts.dir, 'logs');
  mkdirSync(logs, { recursive: true });
  const started: { stop(): Promise<void> }[] = [];
  const stopStarted = async (): Promise<void> => {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    started.length = 0;
  };
  try {
    const binaries = await ensureDaprBinaries(progress);
    const secrets = loadOrCreateSecrets(join(opts.dir, 'secrets.json'), opts.services);
    const port = async (fixedPort: number): Promise<number> => (opts.ports === 'fixed' ? fixedPort : freePort());

    progress('starting Postgres');
    const postgres = await startPostgres({
      dir: join(opts.dir, 'postgres'),
      port: await port(fixed.postgres),
      logFile: join(logs, 'postgres.log'),
    });
    started.push(postgres);
    const databases = opts.services.filter((s) => manifests[s].storage?.kind === 'postgres').map(String);
    await postgres.ensureDatabases([...databases, 'dapr_state'], secrets.databasePassword);

    progress('starting Redis');
    const redis = await startRedis({
      dir: join(opts.dir, 'redis'),
      port: await port(fixed.redis),
      logFile: join(logs, 'redis.log'),
      persist: opts.ports === 'fixed',
    });
    started.push(redis);

    progress('starting Dapr Sentry (mTLS certificate authority)');
    const sentryPort = await port(fixed.sentry);
    const sentry = await startSentry({
      bin: binaries.sentry,
      dir: join(opts.dir, 'sentry'),
      port: sentryPort,
      healthzPort: await port(fixed.sentry + 1),
      metricsPort: await port(fixed.sentry + 2),
      configFile: join(componentsDir, 'config', 'daprsystem.yaml'),
      logFile: join(logs, 'sentry.log'),
    });
    started.push(sentry);

    const dbUrl = (name: string): string =>
      `postgres://${name}:${encodeURIComponent(secrets.databasePassword)}@127.0.0.1:${postgres.port}/${name}`;
    const services: Partial<Record<ServiceName, RunningService>> = {};
    const plans = await Promise.all(
      opts.services.map(async (name, index) => {
        const appPort = name === 'gateway' ? await port(fixed.gateway) : await port(fixed.appBase + index);
        const tokens = secrets.tokens[name];
        if (!tokens) throw new Error(`no tokens for ${name}`);
        return { name, appPort, tokens, ports: await sidecarPorts(opts, index) };
      }),
    );

    type Plan = (typeof plans)[number];
    const startApp = async (plan: Plan): Promise<Proc> => {
      const { listen, storage, redis: usesRedis, demoSeedEnv, adminEnv } = manifests[plan.name];
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: process.env.NODE_ENV ?? 'development',
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
        OTEL_SERVICE_NAME: plan.name,
        ...(process.env.OTEL_EXPORTER_OTLP_ENDPOINT
          ? { OTEL_EXPORTER_OTLP_ENDPOINT: process.env.OTEL_EXPORTER_OTLP_ENDPOINT }
          : {}),
        [listen.portEnv]: String(plan.appPort),
        [listen.hostEnv]: '127.0.0.1',
        APP_API_TOKEN: plan.tokens.appApiToken,
        DAPR_HTTP_PORT: String(plan.ports.http),
        DAPR_GRPC_PORT: String(plan.ports.grpc),
        DAPR_API_TOKEN: plan.tokens.daprApiToken,
        ...(demoSeedEnv ? { [demoSeedEnv]: String(opts.seedDemo ?? false) } : {}),
        ...(adminEnv && opts.admin
          ? { [adminEnv.email]: opts.admin.email, [adminEnv.password]: opts.admin.password }
          : {}),
        ...(storage?.kind === 'postgres' ? { DATABASE_URL: dbUrl(plan.name) } : {}),
        ...(usesRedis ? { REDIS_URL: `redis://127.0.0.1:${redis.port}` } : {}),
        ...opts.env?.[plan.name],
      };
      progress(`starting ${plan.name} on port ${plan.appPort}`);
      const logFile = join(logs, `${plan.name}.log`);
      const proc = startProc({
        name: plan.name,
        command: process.execPath,
        args: [...nodeOptions(plan.name), '--import', otelPreload, join(root, 'services', plan.name, 'src', 'main.ts')],
        cwd: root,
        env,
        logFile,
      });
      await waitFor(
        `${plan.name} to listen on ${plan.appPort} (see ${logFile})`,
        async () => ((await fetch(`http://127.0.0.1:${plan.appPort}/healthz`)).ok ? true : undefined),
        { proc, timeoutMs: 60_000, intervalMs: 200 },
      );
      return proc;
    };
    const startSidecarOf = (plan: Plan): Promise<Sidecar> =>
      startSidecar({
        bin: binaries.daprd,
        appId: plan.name,
        appPort: plan.appPort,
        ports: plan.ports,
        configFile: join(componentsDir, 'config', `${plan.name}.yaml`),
        resourcesDir: join(componentsDir, 'resources'),
        sentryAddress: sentry.address,
        trustAnchors: sentry.trustAnchors,
        daprApiToken: plan.tokens.daprApiToken,
        appApiToken: plan.tokens.appApiToken,
        cwd: opts.dir,
        env: sidecarSecretEnv({ stateStoreUrl: dbUrl('dapr_state'), redisHost: `127.0.0.1:${redis.port}` }),
        logFile: join(logs, `daprd-${plan.name}.log`),
      });
    const track = (running: RunningService): void => {
      services[running.name] = running;
      started.push({
        stop: async () => {
          await running.proc.stop();
          await running.sidecar.stop();
        },
      });
    };
    const startedApps = new Map<Plan, Proc>();
    const stopApps = async (): Promise<void> => {
      await Promise.all([...startedApps.values()].map((proc) => proc.stop()));
    };
    started.push({ stop: stopApps });

    // apps first, all at once (a sidecar waits for its app's port); then their sidecars: one alone, which
    // creates the name-resolution database (sidecars creating it at once can fail on its lock and run on
    // unreachable), the others together, the gateway's last so that every target is resolvable for it
    await Promise.all(plans.map(async (plan) => startedApps.set(plan, await startApp(plan))));
    const withSidecar = async (plan: Plan): Promise<void> => {
      const proc = startedApps.get(plan) as Proc;
      track({ name: plan.name, appPort: plan.appPort, proc, sidecar: await startSidecarOf(plan), tokens: plan.tokens });
    };
    const [first, ...others] = plans.filter((plan) => plan.name !== 'gateway');
    if (first) await withSidecar(first);
    await Promise.all(others.map(withSidecar));
    await Promise.all(plans.filter((plan) => plan.name === 'gateway').map(withSidecar));

    const gatewayPort = services.gateway?.appPort;
    return {
      gatewayUrl: gatewayPort ? `http://127.0.0.1:${gatewayPort}` : '',
      postgres,
      redis,
      sentry,
      services,
      secrets,
      binaries,
      async restartService(name) {
        const plan = plans.find((p) => p.name === name);
        const current = services[name];
        if (!plan || !current) throw new Error(`${name} is not part of this stack`);
        await current.proc.stop();
        await current.sidecar.stop();
        const proc = await startApp(plan);
        track({ name, appPort: plan.appPort, proc, sidecar: await startSidecarOf(plan), tokens: plan.tokens });
      },
      stop: stopStarted,
    };
  } catch (err) {
    await stopStarted();
    throw err;
  }
}
