import { appConfig, commaList, sidecarConfig } from '@shopstack/kit/config';
import { z } from 'zod';

/** Orders configuration, read from the environment. */
export const configSchema = appConfig
  .extend({
    ...sidecarConfig.shape,
    /** Dapr state store of the orders, with the outbox to the `orders` topic. */
    ORDER_STORE: z.string().default('orderstore'),
    /** Dapr app id of the catalog service (the saga prices the items there). */
    CATALOG_APP_ID: z.string().default('catalog'),
    /** Dapr app id of the inventory service (the saga reserves, commits and releases stock there). */
    INVENTORY_APP_ID: z.string().default('inventory'),
    /** Dapr app id of the cart service (checkout reads the caller's cart and empties it). */
    CART_APP_ID: z.string().default('cart'),
    /** How long an order may wait for its payment before it is cancelled as `expired`. */
    ORDER_PAYMENT_DEADLINE_MS: z.coerce
      .number()
      .int()
      .min(100)
      .default(15 * 60_000),
    /**
     * How long stock may stay reserved for an order id with no stored order (its write never committed)
     * before the expiry sweep releases it. Longer than the payment deadline, so it never races a live order.
     */
    RESERVATION_ORPHAN_AFTER_MS: z.coerce
      .number()
      .int()
      .min(1_000)
      .default(16 * 60_000),
    /** How long the replica that sweeps expired orders holds the lease before another may take over. */
    EXPIRY_LEASE_MS: z.coerce.number().int().min(500).default(10_000),
    /** Payment tokens the simulated provider knows; any other is a 400 at order creation. */
    PAYMENT_TOKENS: commaList.default(['tok_visa', 'tok_declined', 'tok_slow']),
    /** How long product prices read from the catalog are reused. */
    PRICE_CACHE_MS: z.coerce.number().int().min(0).default(2_000),
  })
  .refine((c) => c.RESERVATION_ORPHAN_AFTER_MS > c.ORDER_PAYMENT_DEADLINE_MS, {
    path: ['RESERVATION_ORPHAN_AFTER_MS'],
    message: 'must be longer than ORDER_PAYMENT_DEADLINE_MS: a live order still holds its stock until its deadline',
  });

export type Config = z.output<typeof configSchema>;
