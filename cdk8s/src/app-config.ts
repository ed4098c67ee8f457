import { createHash } from 'node:crypto';
import type { V1EnvVar } from '@kubernetes/client-node';
import { objectName, type ShopContext } from './context.ts';
import { appPort, profiles, pubsubName, secretStoreName, stateStoreName } from './profiles.ts';
import { secretNames } from './secrets.ts';
import type { ServiceName } from './spec.ts';

export const signingKeyDir = '/var/run/secrets/shopstack/signing';

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
  const profile = profiles[service];
  const { tracing } = ctx.spec.dapr;
  const settings: Record<string, string> = {
    NODE_ENV: 'production',
    // pods are reached by the kubelet's probes and by Services, not only from loopback
    HOST: '0.0.0.0',
    PORT: String(appPort),
    APP_PORT: String(appPort),
    SERVICE_NAME: service,
    SHOPSTACK_VERSION: ctx.spec.version,
    LOG_LEVEL: ctx.spec.dapr.logLevel,
    PUBSUB_NAME: pubsubName,
    SECRETSTORE_NAME: secretStoreName,
    OTEL_SERVICE_NAME: service,
  };
  if (tracing.otlpEndpoint) {
    const scheme = tracing.otlpInsecure ? 'http' : 'https';
    settings.OTEL_EXPORTER_OTLP_ENDPOINT = `${scheme}://${tracing.otlpEndpoint}`;
    settings.OTEL_EXPORTER_OTLP_PROTOCOL = tracing.otlpProtocol === 'grpc' ? 'grpc' : 'http/protobuf';
  }
  if (profile.storage === 'state') settings.STATESTORE_NAME = stateStoreName(service);
  if (service === 'identity') settings.TOKEN_SIGNING_KEY_FILE = `${signingKeyDir}/signing-key.pem`;
  return settings;
}

function redisPasswordRef(ctx: ShopContext): { name: string; key: string } | undefined {
  const { redis } = ctx.spec;
  if (redis.mode === 'managed') return { name: secretNames.redis(ctx), key: 'password' };
  return redis.external?.passwordSecretRef;
}

/** Secret-backed environment variables: referenced, never copied into the manifest. */
export function secretEnv(ctx: ShopContext, service: ServiceName): V1EnvVar[] {
  const profile = profiles[service];
  const env: V1EnvVar[] = [];
  if (profile.storage === 'sql') {
    env.push({
      name: 'DATABASE_URL',
      valueFrom: { secretKeyRef: { name: databaseSecret(ctx), key: `${service}-url` } },
    });
  }
  if (!profile.usesRedis) return env;
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
