import { type AdminAuth, buildWeb, type Dashboard, LocalSource, startDashboard } from '@shopstack/dashboard';
import { componentsDir, type Stack } from './stack.ts';

/**
 * The local run's Dapr view (`/dapr/` on `port`, 0 for a free one), fed with what the runner knows; open
 * on 127.0.0.1, or admins only as on the ingress with `auth`.
 */
export async function startLocalDashboard(stack: Stack, opts: { port: number; auth?: AdminAuth }): Promise<Dashboard> {
  const sidecars = Object.values(stack.services).flatMap((s) =>
    s ? [{ appId: s.name, httpPort: s.sidecar.ports.http, daprApiToken: s.tokens.daprApiToken }] : [],
  );
  const source = new LocalSource({
    sidecars,
    componentsDir,
    sentry: { healthzUrl: stack.sentry.healthzUrl, credentialsDir: stack.sentry.credentialsDir },
  });
  // a fresh build each start: esbuild takes ~0.1 s, and the page never lags behind its sources
  return startDashboard({
    source,
    assetsDir: await buildWeb(),
    port: opts.port,
    ...(opts.auth && { auth: opts.auth }),
  });
}
