import { hostname } from 'node:os';
import { z } from 'zod';

const flag = z.stringbool();
const ms = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

/** Operator settings, from the environment (names below) or the equivalent --kebab-case flags. */
export const configSchema = z.object({
  /** Port of /metrics, /healthz and /readyz. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  METRICS_HOST: z.string().default('0.0.0.0'),
  /** Watch ShopStacks in this namespace only; every namespace when unset. */
  WATCH_NAMESPACE: z.string().min(1).optional(),
  /** Apply the ShopStack CRD at start (for running outside Helm). */
  INSTALL_CRDS: flag.default(false),
  /** Take part in leader election; off only for a single replica you fully control. */
  LEADER_ELECT: flag.default(true),
  LEASE_NAMESPACE: z
    .string()
    .min(1)
    .default(process.env.POD_NAMESPACE ?? 'default'),
  LEASE_NAME: z.string().min(1).default('shopstack-operator'),
  LEASE_DURATION_MS: ms(15_000),
  RENEW_DEADLINE_MS: ms(10_000),
  RETRY_PERIOD_MS: ms(2_000),
  /** ShopStacks reconciled at once. */
  CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** API requests in flight per ShopStack while syncing its objects. */
  APPLY_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** Every ShopStack is reconciled at least this often. */
  RESYNC_MS: ms(300_000),
  /** Ask the API server to end watches after this long (they resume where they were). */
  WATCH_TIMEOUT_SECONDS: z.coerce.number().int().min(1).optional(),
  /** Name of this replica in the Lease and in Events. */
  IDENTITY: z
    .string()
    .min(1)
    .default(process.env.POD_NAME ?? `${hostname()}-${process.pid}`),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
  /** Read the orders and consumer services' /metrics for symptoms (stuck orders, dead letters). */
  INSIGHTS_METRICS: flag.default(true),
  /**
   * The operator's own namespace (the chart sets it): each shop's NetworkPolicies let the operator's pods
   * there, and no one else from outside, read the services' /metrics. Unset outside a cluster.
   */
  POD_NAMESPACE: z.string().min(1).optional(),
  /** Longest wait for running reconciles on SIGTERM. */
  SHUTDOWN_GRACE_MS: ms(20_000),
});

export type OperatorConfig = z.output<typeof configSchema>;

/** `--metrics-port 9090` → METRICS_PORT=9090; a bare `--install-crds` → INSTALL_CRDS=true. */
export function flagsToEnv(argv: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const [name = '', inline] = arg.slice(2).split('=', 2);
    const key = name.toUpperCase().replaceAll('-', '_');
    if (!(key in configSchema.shape)) throw new Error(`unknown flag --${name}`);
    const next = argv[i + 1];
    if (inline !== undefined) env[key] = inline;
    else if (next !== undefined && !next.startsWith('--')) env[key] = argv[++i] as string;
    else env[key] = 'true';
  }
  return env;
}

/** Reads the configuration; a bad value fails with the variable's name. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): OperatorConfig {
  const result = configSchema.safeParse({ ...env, ...flagsToEnv(argv) });
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`invalid configuration: ${issues.join('; ')}`);
}

/** One line per setting: the flag and the environment variable it stands for. */
export function usage(): string {
  const flags = Object.keys(configSchema.shape).map((key) => `  --${key.toLowerCase().replaceAll('_', '-')}  (${key})`);
  return `usage: shopstack-operator [flags]; every flag can also be set through its environment variable\n${flags.join('\n')}`;
}
