import type { z } from 'zod';

/** An app allowed to invoke a service through Dapr; without `operations` it may call every route. */
export interface Caller {
  readonly appId: string;
  /** Only these routes, when set (Dapr access-control operations). */
  readonly operations?: readonly { readonly path: string; readonly verbs: readonly string[] }[];
  /** Why this caller needs the access (written next to the policy). */
  readonly why?: string;
}

/** Where a service keeps its data. */
export type Storage =
  /** A Postgres database of its own, reached through `DATABASE_URL`. */
  | { readonly kind: 'postgres' }
  /**
   * A Dapr state store, named in the env var `storeEnv`. With `outboxTopic`, every state transaction
   * also publishes its event through the transactional outbox (Dapr allows one topic per store).
   */
  | { readonly kind: 'state'; readonly store: string; readonly storeEnv: string; readonly outboxTopic?: string };

/**
 * One service's wiring, declared next to its code: the single source from which the local runner,
 * the local Dapr components and the Kubernetes rendering are derived.
 */
export interface ServiceManifest {
  readonly name: string;
  /** Its environment contract: the service's own config schema. */
  readonly config: z.ZodType;
  /** Env vars of the port and bind address the app listens on (its sidecar and probes reach it there). */
  readonly listen: { readonly portEnv: string; readonly hostEnv: string };
  readonly storage?: Storage;
  /** `required`: it cannot start without REDIS_URL; `optional`: it uses Redis when given (a cache). */
  readonly redis?: 'required' | 'optional';
  /** Apps allowed to invoke it; every other caller is denied by its sidecar. */
  readonly callers: readonly Caller[];
  /** Topics it consumes; each is delivered to `/events/<topic>`, with `<topic>-deadletter` for poison events. */
  readonly subscribes: readonly string[];
  /**
   * When set, its subscriptions deliver events in batches (Dapr bulk subscribe): up to `maxMessages`
   * in one request, each batch sent `maxAwaitMs` after its first event at the latest. The route must
   * take a batch (`eventBatchRoute`). Dapr then sends one batch at a time per subscription, so this suits
   * a consumer whose events do not wait on one another (notifications), not a step of the saga.
   */
  readonly batches?: { readonly maxMessages: number; readonly maxAwaitMs: number };
  /** Env var that loads the demo catalog into an empty store when `true` (ShopStack `demoCatalog`, `npm start`). */
  readonly demoSeedEnv?: string;
  /** Env var naming the proxies whose X-Forwarded-For it believes; a cluster sets its pod network (the ingress). */
  readonly trustProxyEnv?: string;
  /** Env vars of the admin account it creates at start-up (ShopStack `admin`'s Secret, `npm start`'s defaults). */
  readonly adminEnv?: { readonly email: string; readonly password: string };
  /** Cron input bindings: Dapr POSTs `/<name>` on every tick. */
  readonly schedules?: readonly { readonly name: string; readonly every: string }[];
  /**
   * V8's young generation, in MiB per semi-space (`node --max-semi-space-size`; 2 when unset, which keeps
   * each app's memory down). A service that answers many small requests at a high rate spends less CPU
   * with more, since it scavenges less often (the gateway; docs/checkout.md, "Twelfth round").
   */
  readonly semiSpaceMiB?: number;
}
