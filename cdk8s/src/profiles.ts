import { manifests, type ServiceName, serviceNames } from '../../services/manifests.ts';

// Each service's wiring comes from its manifest (services/<name>/src/manifest.ts); these are the
// cluster-side names and the one port every pod uses.

/** Port every service listens on inside its pod; one value keeps probes and policies uniform. */
export const appPort = 8080;
export const pubsubName = 'pubsub';
/** The pub/sub that carries the state stores' internal outbox messages. */
export const outboxPubsubName = 'outbox';
export const secretStoreName = 'secretstore';

/** Services that own a Postgres database (by name: the database, its role and the `<service>-url` key). */
export function databaseServices(): ServiceName[] {
  return serviceNames.filter((name) => manifests[name].storage !== undefined);
}
