import { manifests, type ServiceManifest, type ServiceName } from '../../services/manifests.ts';

/** A service's manifest (services/<name>/src/manifest.ts): the one source of its wiring. */
export function manifestOf(service: ServiceName): ServiceManifest {
  return manifests[service];
}

/** Port every service listens on inside its pod; one value keeps probes and policies uniform. */
export const appPort = 8080;
export const pubsubName = 'pubsub';
/** The pub/sub that carries the state stores' internal outbox messages. */
export const outboxPubsubName = 'outbox';
export const secretStoreName = 'secretstore';

/** The Dapr state store a service keeps its records in, if it uses one. */
export function stateStoreName(service: ServiceName): string | undefined {
  const { storage } = manifestOf(service);
  return storage?.kind === 'state' ? storage.store : undefined;
}

/** Services that own a Postgres database (by name: the database, its role and the `<service>-url` key). */
export function databaseServices(): ServiceName[] {
  return (Object.keys(manifests) as ServiceName[]).filter((name) => manifestOf(name).storage !== undefined);
}
