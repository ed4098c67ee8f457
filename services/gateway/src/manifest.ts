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
} as const satisfies ServiceManifest;
