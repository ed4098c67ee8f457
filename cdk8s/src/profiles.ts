import type { ServiceName } from './spec.ts';

/** How one service uses the platform; the constructs derive storage, Dapr wiring and policies from it. */
export interface ServiceProfile {
  /** `sql`: its own Postgres database through DATABASE_URL; `state`: a Dapr state store on its own database. */
  readonly storage?: 'sql' | 'state';
  /** Topic its state store's outbox publishes to (Dapr allows one outbox topic per store). */
  readonly outboxTopic?: string;
  readonly usesRedis?: boolean;
  /** App ids allowed to invoke it through Dapr; everyone else is denied. */
  readonly callers: readonly ServiceName[];
  /** Topics it consumes; each becomes a Subscription delivering to `/events/<topic>`. */
  readonly subscribes: readonly string[];
}

/**
 * The shop's wiring in one table. catalog also admits orders: the checkout saga prices the items
 * from catalog (DESIGN.md, "Checkout saga"), which "only gateway may call catalog" would forbid.
 */
export const profiles: Readonly<Record<ServiceName, ServiceProfile>> = {
  gateway: { usesRedis: true, callers: [], subscribes: [] },
  identity: { storage: 'sql', callers: ['gateway'], subscribes: [] },
  catalog: { storage: 'sql', callers: ['gateway', 'orders'], subscribes: [] },
  cart: { storage: 'state', callers: ['gateway'], subscribes: [] },
  inventory: { storage: 'sql', callers: ['orders'], subscribes: [] },
  orders: { storage: 'state', outboxTopic: 'orders', callers: ['gateway'], subscribes: ['payments'] },
  payments: { storage: 'state', outboxTopic: 'payments', callers: ['orders'], subscribes: ['orders'] },
  notifications: { storage: 'sql', callers: [], subscribes: ['orders', 'payments'] },
};

/** Port every service listens on inside its pod (PORT); one value keeps probes and policies uniform. */
export const appPort = 8080;
export const pubsubName = 'pubsub';
export const secretStoreName = 'secretstore';

/** Name of the Dapr state store component a service uses (STATESTORE_NAME). */
export function stateStoreName(service: ServiceName): string {
  return `${service}-state`;
}

/** Services that own a Postgres database (by name: the database, its role and the `<service>-url` key). */
export function databaseServices(): ServiceName[] {
  return (Object.keys(profiles) as ServiceName[]).filter((name) => profiles[name].storage !== undefined);
}
