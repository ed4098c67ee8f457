// The storefront's container entry: the built page and the session endpoint, configured from the environment.
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './log.ts';
import { type Storefront, startStorefront } from './server.ts';

let config;
try {
  config = loadConfig();
} catch (err) {
  const issues = err instanceof ConfigError ? err.issues : [(err as Error).message];
  console.error(JSON.stringify({ level: 'error', service: 'storefront', msg: 'invalid configuration', issues }));
  process.exit(1);
}
const log = createLogger(config.LOG_LEVEL);
let storefront: Storefront;
try {
  storefront = await startStorefront({
    gatewayUrl: config.GATEWAY_URL,
    assetsDir: config.ASSETS_DIR,
    port: config.PORT,
    host: config.HOST,
    cookieSecure: config.COOKIE_SECURE,
    sessionMaxAgeSeconds: config.SESSION_MAX_AGE_SECONDS,
    logger: log,
  });
} catch (err) {
  log.error('the storefront cannot start', { error: (err as Error).message });
  process.exit(1);
}
log.info('storefront listening', { url: storefront.url, gateway: config.GATEWAY_URL });
const stop = (): void => void storefront.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
