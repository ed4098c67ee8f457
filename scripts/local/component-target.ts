// How the local run's Dapr components reach their data: the rendering in components.ts writes these
// references into components/, and stack.ts hands each sidecar the values behind them.
import type { ComponentTarget, MetadataItem } from '../../cdk8s/src/dapr-components.ts';

/** The local secret store: it serves each sidecar's environment variables named `<prefix><secret>`. */
export const localSecretStore = { name: 'localsecrets', prefix: 'SHOPSTACK_SECRET_' } as const;

const secrets = { stateStoreUrl: 'STATESTORE_CONNECTION_STRING', redisHost: 'REDIS_HOST' } as const;

const secretRef = (name: string): MetadataItem['secretKeyRef'] => ({ name, key: name });

/**
 * The local run: every state store lives in one database with tables of its own (daprd fails to start
 * when two sidecars create the same metadata table at once), Redis without a password, and secrets
 * from the sidecar's environment, so no credential is written into components/.
 */
export const localTarget: ComponentTarget = {
  stateStoreConnection: (service) => [
    { name: 'connectionString', secretKeyRef: secretRef(secrets.stateStoreUrl) },
    { name: 'tableName', value: `${service}_state` },
    { name: 'metadataTableName', value: `${service}_state_metadata` },
  ],
  redisConnection: [{ name: 'redisHost', secretKeyRef: secretRef(secrets.redisHost) }],
  secretStore: {
    name: localSecretStore.name,
    type: 'secretstores.local.env',
    metadata: [{ name: 'prefix', value: localSecretStore.prefix }],
    about:
      `Serves the other components' secretKeyRefs from the sidecar's environment (${localSecretStore.prefix}<name>, ` +
      'set by scripts/local/stack.ts); apps cannot read it (secrets.scopes in config/).',
  },
  namesSecretStore: true,
};

/** The environment that gives a sidecar the secrets the local components refer to. */
export function sidecarSecretEnv(values: Readonly<Record<keyof typeof secrets, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(secrets).map(([key, name]) => [
      `${localSecretStore.prefix}${name}`,
      values[key as keyof typeof secrets],
    ]),
  );
}
