/** How the local runner and the tests start each service. */
export interface ServiceSpec {
  readonly name: string;
  /** The service owns a Postgres database of its own name. */
  readonly database: boolean;
  /** The service reaches Redis directly (rate limits, caches). */
  readonly redis: boolean;
  /** Other apps whose Dapr app ids the service is told (`<NAME>_APP_ID`). */
  readonly calls: readonly string[];
}

export const serviceSpecs: Readonly<Record<string, ServiceSpec>> = {
  gateway: {
    name: 'gateway',
    database: false,
    redis: true,
    calls: ['catalog', 'identity', 'cart', 'inventory', 'orders', 'notifications'],
  },
  catalog: { name: 'catalog', database: true, redis: true, calls: [] },
  identity: { name: 'identity', database: true, redis: true, calls: [] },
  cart: { name: 'cart', database: false, redis: false, calls: ['catalog'] },
  inventory: { name: 'inventory', database: true, redis: false, calls: ['catalog'] },
  orders: { name: 'orders', database: false, redis: false, calls: ['catalog', 'inventory', 'cart'] },
  payments: { name: 'payments', database: false, redis: false, calls: ['payments'] },
  notifications: { name: 'notifications', database: true, redis: false, calls: [] },
};

export type ServiceName = keyof typeof serviceSpecs;

/** Every service of the shop, in start-up order. */
export const allServices: readonly ServiceName[] = Object.keys(serviceSpecs);
