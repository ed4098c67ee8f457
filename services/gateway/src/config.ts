import { z } from 'zod';

/** Gateway configuration, read from the environment. */
export const configSchema = z.object({
  /** Public port of the REST API. */
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Address the public API binds to. */
  HOST: z.string().default('127.0.0.1'),
  /** HTTP port of the gateway's own Dapr sidecar. */
  DAPR_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(3500),
  /** Token the gateway presents to its sidecar (`dapr-api-token`). */
  DAPR_API_TOKEN: z.string().min(16),
  /** Dapr app id of the catalog service. */
  CATALOG_APP_ID: z.string().default('catalog'),
  /** OTLP/HTTP endpoint for traces; unset disables export. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
});

export type Config = z.output<typeof configSchema>;
