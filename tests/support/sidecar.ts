import { SidecarClient } from '@shopstack/kit';

/** What a test stack knows of a service's sidecar. */
interface WithSidecar {
  readonly sidecar: { readonly ports: { readonly http: number } };
  readonly tokens: { readonly daprApiToken: string };
}

/** The kit's client of a service's sidecar, as the service reaches it; `apiToken` stands in for its token. */
export function sidecarClientOf(service: WithSidecar, apiToken = service.tokens.daprApiToken): SidecarClient {
  return new SidecarClient({ host: '127.0.0.1', httpPort: service.sidecar.ports.http, apiToken });
}
