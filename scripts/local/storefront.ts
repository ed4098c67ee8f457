import { buildWeb, startStorefront, type Storefront } from '@shopstack/web';
import type { Stack } from './stack.ts';

/** The local run's storefront (`/` on `port`, 0 for a free one) in front of the stack's gateway. */
export async function startLocalStorefront(
  stack: Pick<Stack, 'gatewayUrl'>,
  opts: { port: number },
): Promise<Storefront> {
  // Vite builds the page once per change of its sources (~3 s); later starts reuse web/dist
  return startStorefront({
    gatewayUrl: stack.gatewayUrl,
    assetsDir: await buildWeb(),
    port: opts.port,
    // requests logs stay out of the runner's terminal
    logger: { debug: () => undefined, info: () => undefined, warn: console.warn, error: console.error },
  });
}
