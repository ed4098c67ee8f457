import pino from 'pino';
import { loadConfig, usage } from './config.ts';
import { startOperator } from './operator.ts';

/** `npm run operator -- [--install-crds] [--flags]`: runs the operator against $KUBECONFIG or in-cluster. */
async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    console.log(usage());
    return;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.argv.slice(2));
  } catch (err) {
    console.error(`shopstack-operator: ${(err as Error).message}\n${usage()}`);
    process.exit(2);
  }
  const log = pino({ level: config.LOG_LEVEL, base: { identity: config.IDENTITY } });
  const operator = await startOperator(config, log);

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error({ graceMs: config.SHUTDOWN_GRACE_MS }, 'shutdown took too long; exiting');
      process.exit(1);
    }, config.SHUTDOWN_GRACE_MS);
    timer.unref();
    operator.stop().then(
      () => process.exit(0),
      (err: Error) => {
        log.error({ err: err.message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: Error) => {
  console.error(`shopstack-operator: ${err.message}`);
  process.exit(1);
});
