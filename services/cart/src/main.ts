import { createStateStore, runMain, serviceStart, sidecarOf } from '@shopstack/kit';
import { createCartStore } from './data/cart-store.ts';
import { createCatalogPrices } from './data/catalog-prices.ts';
import { cartRoutes } from './http/routes.ts';
import { manifest } from './manifest.ts';

export const start = serviceStart(manifest, ({ config }) => {
  const sidecar = sidecarOf(config);
  return {
    routes: cartRoutes({
      store: createCartStore(createStateStore(sidecar, config.STATE_STORE)),
      prices: createCatalogPrices(sidecar, config.CATALOG_APP_ID),
      defaultCurrency: config.DEFAULT_CURRENCY,
      maxLines: config.MAX_LINES,
    }),
  };
});

if (import.meta.main) runMain(manifest.name, start);
