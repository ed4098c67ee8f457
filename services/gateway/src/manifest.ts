import type { ServiceManifest } from '@shopstack/kit/manifest';
import { configSchema } from './config.ts';

/** The public edge: the only service reached from outside; nobody invokes it through Dapr. */
export const manifest = {
  name: 'gateway',
  config: configSchema,
  listen: { portEnv: 'PORT', hostEnv: 'HOST' },
  redis: 'required',
  callers: [],
  subscribes: [],
  trustProxyEnv: 'TRUST_PROXY',
  // thousands of small reads a second: against 2 MiB, 16 MiB semi-spaces cut its GC time by ~60 % and its
  // CPU per read by ~5 %, with the same peak RSS (docs/checkout.md, "Twelfth round")
  semiSpaceMiB: 16,
} as const satisfies ServiceManifest;
