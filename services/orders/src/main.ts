import { createStateStore, runMain, serviceStart, sidecarOf } from '@shopstack/kit';
import { createLease } from './data/lease.ts';
import { createOrderStore } from './data/order-store.ts';
import { createCart, createCatalog, createInventory } from './data/services.ts';
import { paymentEventRoutes } from './http/events.ts';
import { expiryRoutes } from './http/expiry.ts';
import { orderRoutes } from './http/orders.ts';
import { manifest } from './manifest.ts';

export const start = serviceStart(manifest, ({ config, logger }) => {
  const sidecar = sidecarOf(config);
  const state = createStateStore(sidecar, config.ORDER_STORE);
  const saga = {
    store: createOrderStore(state),
    inventory: createInventory(sidecar, config.INVENTORY_APP_ID),
    now: (): Date => new Date(),
  };
  return {
    readiness: { sidecar: () => sidecar.healthz() },
    routes: (router, metrics) => {
      orderRoutes({
        ...saga,
        catalog: createCatalog(sidecar, config.CATALOG_APP_ID, config.PRICE_CACHE_MS),
        cart: createCart(sidecar, config.CART_APP_ID),
        paymentTokens: config.PAYMENT_TOKENS,
        deadlineMs: config.ORDER_PAYMENT_DEADLINE_MS,
      })(router, metrics);
      paymentEventRoutes(saga, logger)(router, metrics);
      const lease = createLease(state, 'expiry-lease', config.EXPIRY_LEASE_MS);
      expiryRoutes({ ...saga, lease, orphanAfterMs: config.RESERVATION_ORPHAN_AFTER_MS }, logger)(router, metrics);
    },
  };
});

if (import.meta.main) runMain(manifest.name, start);
