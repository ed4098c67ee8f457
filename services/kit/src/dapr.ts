import { type AnswerHeaders, sidecarCall } from './sidecar-http.ts';

/** Where an app finds its sidecar and how it authenticates to it (DAPR_API_TOKEN). */
export interface SidecarAddress {
  readonly host: string;
  readonly httpPort: number;
  readonly apiToken: string;
}

export interface InvokeRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

export interface InvokeResponse {
  readonly status: number;
  readonly headers: AnswerHeaders;
  readonly body: string;
}

/** Service invocation through the sidecar. */
export interface Invoker {
  invoke(appId: string, req: InvokeRequest): Promise<InvokeResponse>;
}

/**
 * Invocation over the sidecar's HTTP API. The SDK's invoker turns every non-2xx answer into an
 * opaque error and drops response headers (ETag, Location), which a gateway has to pass through.
 */
export function createInvoker(sidecar: SidecarAddress): Invoker {
  const base = `http://${sidecar.host}:${sidecar.httpPort}/v1.0/invoke`;
  return {
    async invoke(appId, req) {
      const headers: Record<string, string> = { 'dapr-api-token': sidecar.apiToken, ...req.headers };
      let body: string | undefined;
      if (req.body !== undefined) {
        body = JSON.stringify(req.body);
        headers['content-type'] = 'application/json';
      }
      return sidecarCall(`${base}/${appId}/method/${req.path.replace(/^\//, '')}`, {
        method: req.method,
        headers,
        body,
      });
    },
  };
}

/** The sidecar of an app from its config: always on loopback, at DAPR_HTTP_PORT, with DAPR_API_TOKEN. */
export function sidecarOf(config: {
  readonly DAPR_HTTP_PORT: number;
  readonly DAPR_API_TOKEN: string;
}): SidecarAddress {
  return { host: '127.0.0.1', httpPort: config.DAPR_HTTP_PORT, apiToken: config.DAPR_API_TOKEN };
}

/** A /readyz check that the app's sidecar is up. */
export function sidecarReady(sidecar: SidecarAddress): () => Promise<void> {
  return async () => {
    const res = await sidecarCall(`http://${sidecar.host}:${sidecar.httpPort}/v1.0/healthz`);
    if (res.status >= 300) throw new Error(`sidecar answered ${res.status}`);
  };
}
