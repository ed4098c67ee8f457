import { z } from 'zod';

const port = z.coerce.number().int().max(65535);

/**
 * The keys of every app that its sidecar calls: each service's config schema extends it. APP_PORT has no
 * default: whatever runs the app (the local runner, the cluster's ConfigMap, a test) says where.
 */
export const appConfig = z.object({
  /** Port the app listens on (its sidecar calls it there); 0 takes any free port. */
  APP_PORT: port.min(0),
  /** Address the app binds: loopback when its sidecar runs beside it, 0.0.0.0 in a pod (probes, sidecar). */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Token the sidecar presents in `dapr-api-token` on every call to the app. */
  APP_API_TOKEN: z.string().min(16),
});

/** The keys of an app that calls its own sidecar (invoke, state, publish): `sidecarOf(config)` reads them. */
export const sidecarConfig = z.object({
  /** HTTP port of the app's Dapr sidecar. */
  DAPR_HTTP_PORT: port.min(1).default(3500),
  /** Token the app presents to its sidecar (`dapr-api-token`). */
  DAPR_API_TOKEN: z.string().min(16),
});

/** A comma-separated list, its items trimmed and the empty ones dropped; `.default([...])` for when it is unset. */
export const commaList = z.string().transform((s) =>
  s
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
);
