import { appConfig, sidecarConfig } from '@shopstack/kit/config';
import { z } from 'zod';

/** Inventory configuration, read from the environment. */
export const configSchema = appConfig.extend({
  ...sidecarConfig.shape,
  /** Postgres connection string of the inventory database. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  /** Dapr app id of the catalog service (asked whether a product exists before its stock is created). */
  CATALOG_APP_ID: z.string().default('catalog'),
  /** Dapr app id of the orders service, the only caller allowed to reserve, commit and release stock. */
  ORDERS_APP_ID: z.string().default('orders'),
});

export type Config = z.output<typeof configSchema>;
