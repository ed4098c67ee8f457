import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { appConfig } from './app-config.ts';
import { ConfigError } from './config.ts';
import type { ServiceManifest } from './manifest.ts';
import { serviceStart } from './start.ts';

const TOKEN = 'app-token-0123456789';

const manifest = {
  name: 'demo',
  config: appConfig.extend({
    /** What /hello answers. */
    GREETING: z.string().default('hello'),
  }),
  listen: { portEnv: 'APP_PORT', hostEnv: 'HOST' },
  callers: [],
  subscribes: [],
} as const satisfies ServiceManifest;

const start = serviceStart(manifest, ({ config }) => ({
  routes: (router) => router.get('/hello', (_req, res) => void res.json({ greeting: config.GREETING })),
}));

describe('serviceStart', () => {
  it('serves the routes on the port of the config, only to callers with the app token', async () => {
    // GIVEN a service started on any free port
    const service = await start({ APP_PORT: '0', APP_API_TOKEN: TOKEN, GREETING: 'hi' });
    try {
      const hello = `http://127.0.0.1:${service.port}/hello`;

      // WHEN its sidecar calls it, and someone else does
      const fromSidecar = await fetch(hello, { headers: { 'dapr-api-token': TOKEN } });
      const fromElsewhere = await fetch(hello);

      // THEN
      expect(await fromSidecar.json()).toEqual({ greeting: 'hi' });
      expect(fromElsewhere.status).toBe(401);
    } finally {
      await service.stop();
    }
  });

  it('stops before building anything when the config is bad, naming the variable', async () => {
    let built = false;
    const startDemo = serviceStart(manifest, () => {
      built = true;
      return { routes: () => undefined };
    });
    const attempt = startDemo({ APP_API_TOKEN: TOKEN });
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toThrow(/APP_PORT: /);
    expect(built).toBe(false);
  });

  it('refuses a manifest whose listen keys the config does not read', async () => {
    const wrong = { ...manifest, listen: { portEnv: 'PORT', hostEnv: 'HOST' } } as const;
    const attempt = serviceStart(wrong, () => ({ routes: () => undefined }))({ APP_PORT: '0', APP_API_TOKEN: TOKEN });
    await expect(attempt).rejects.toThrow("demo's config must read PORT (a number) and HOST, as its manifest says");
  });
});
