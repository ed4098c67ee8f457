import { createHash } from 'node:crypto';
import type { V1EnvVar } from '@kubernetes/client-node';
import { objectName, type ShopContext } from './context.ts';
import { configKeys, manifests, nodeOptions } from '../../services/manifests.ts';
import { gatewayLimitSettings } from './gateway-limits.ts';
import { appPort } from './profiles.ts';
import { secretNames } from './secrets.ts';
import type { ServiceName } from './spec.ts';

/** Where a service's Postgres URL lives: the generated credentials, or the user's Secret. */
export function databaseSecret(ctx: ShopContext): string {
  const { database } = ctx.spec;
  return database.mode === 'external' && database.external
    ? database.external.secretRef.name
    : secretNames.postgres(ctx);
}

/** host:port of the shop's Redis, managed or external. */
export function redisAddress(ctx: ShopContext): string {
  const external = ctx.spec.redis.mode === 'external' ? ctx.spec.redis.external : undefined;
  return external ? external.address : `${objectName(ctx, 'redis')}:6379`;
}

/** Plain settings for one service, delivered through its ConfigMap (no secrets here). */
export function serviceSettings(ctx: ShopContext, service: ServiceName): Record<string, string> {
  const { listen, storage, demoSeedEnv, trustProxyEnv } = manifests[service];
  const { tracing } = ctx.spec.dapr;
  const settings: Record<string, string> = {
    NODE_ENV: 'production',
    NODE_OPTIONS: nodeOptions(service).join(' '),
    // pods are reached by the kubelet's probes and by their sidecar on the pod's address
    [listen.hostEnv]: '0.0.0.0',
    [listen.portEnv]: String(appPort),
    LOG_LEVEL: ctx.spec.dapr.logLevel,
    OTEL_SERVICE_NAME: service,
  };
  if (tracing.otlpEndpoint) {
    const scheme = tracing.otlpInsecure ? 'http' : 'https';
    settings.OTEL_EXPORTER_OTLP_ENDPOINT = `${scheme}://${tracing.otlpEndpoint}`;
    settings.OTEL_EXPORTER_OTLP_PROTOCOL = tracing.otlpProtocol === 'grpc' ? 'grpc' : 'http/protobuf';
  }
  if (storage?.kind === 'state') settings[storage.storeEnv] = storage.store;
  if (demoSeedEnv) settings[demoSeedEnv] = String(ctx.spec.demoCatalog);
  // the ingress controller runs in the pod network: believe its X-Forwarded-For, so limits count clients
  if (trustProxyEnv) settings[trustProxyEnv] = 'loopback, uniquelocal';
  if (service === 'gateway') Object.assign(settings, gatewayLimitSettings(ctx.spec.gateway));
  return settings;
}

function redisPasswordRef(ctx: ShopContext): { name: string; key: string } | undefined {
  const { redis } = ctx.spec;
  if (redis.mode === 'managed') return { name: secretNames.redis(ctx), key: 'password' };
  return redis.external?.passwordSecretRef;
}

const fromSecret = (name: string, secret: string, key: string): V1EnvVar => ({
  name,
  valueFrom: { secretKeyRef: { name: secret, key } },
});

/** Secret-backed environment variables: referenced, never copied into the manifest. */
export function secretEnv(ctx: ShopContext, service: ServiceName): V1EnvVar[] {
  const { storage, redis, adminEnv } = manifests[service];
  const wants = (name: string): boolean => configKeys(service).includes(name);
  const env: V1EnvVar[] = [];
  if (wants('APP_API_TOKEN')) env.push(fromSecret('APP_API_TOKEN', secretNames.appApiToken(ctx), 'token'));
  if (wants('DAPR_API_TOKEN')) env.push(fromSecret('DAPR_API_TOKEN', secretNames.daprApiToken(ctx), 'token'));
  if (storage?.kind === 'postgres') env.push(fromSecret('DATABASE_URL', databaseSecret(ctx), `${service}-url`));
  if (adminEnv && ctx.spec.admin) {
    const { name } = ctx.spec.admin.secretRef;
    env.push(fromSecret(adminEnv.email, name, 'email'), fromSecret(adminEnv.password, name, 'password'));
  }
  if (!redis) return env;
  const password = redisPasswordRef(ctx);
  if (!password) return [...env, { name: 'REDIS_URL', value: `redis://${redisAddress(ctx)}` }];
  // the kubelet expands $(REDIS_PASSWORD), so the URL carries the password without the manifest holding it
  return [
    ...env,
    { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: password } },
    { name: 'REDIS_URL', value: `redis://:$(REDIS_PASSWORD)@${redisAddress(ctx)}` },
  ];
}

/** Short content hash; put on the pod template so pods roll when their settings change. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}
