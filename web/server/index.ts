export { buildWeb } from './build.ts';
export { configSchema, loadConfig, webDist } from './config.ts';
export { createLogger, type Logger } from './log.ts';
export { type Storefront, type StorefrontOptions, startStorefront } from './server.ts';
