import type { KubeConfig } from '@kubernetes/client-node';
import type { Credentials } from './credentials.ts';

/**
 * Credentials from a @kubernetes/client-node KubeConfig: every auth plugin it knows (exec, OIDC,
 * impersonation). Imported only when needed: loading client-node costs about 80 MB of memory.
 */
export async function clientNodeCredentials(config: KubeConfig): Promise<Credentials> {
  const { HttpMethod, RequestContext } = await import('@kubernetes/client-node');
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const server = cluster.server.replace(/\/$/, '');
  const probe = new RequestContext(server, HttpMethod.GET);
  await config.applySecurityAuthentication(probe);
  // client-node builds a new TLS agent on every call; one kept agent reuses its keep-alive connections
  const dispatcher = probe.getDispatcher();
  if (!dispatcher) throw new Error('the kubeconfig yields no TLS settings');
  return {
    server,
    dispatcher,
    async headers() {
      const ctx = new RequestContext(server, HttpMethod.GET);
      await config.applySecurityAuthentication(ctx);
      return ctx.getHeaders();
    },
  };
}
