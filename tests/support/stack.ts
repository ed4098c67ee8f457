import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceName } from '../../services/manifests.ts';
import { type Stack, type StackOptions, startStack } from '../../scripts/local/stack.ts';
import { anyTestFailed, printLogTails } from './post-mortem.ts';

export interface TestStack extends Stack {
  readonly dir: string;
}

/**
 * A whole stack on free ports in a fresh temp dir; `stop()` also removes the dir, unless a test of the
 * file failed: then the dir is kept and the tails of its logs are printed (as when the stack fails to start).
 */
export async function startTestStack(
  services: readonly ServiceName[],
  extra: Partial<StackOptions> = {},
): Promise<TestStack> {
  const dir = mkdtempSync(join(tmpdir(), 'shopstack-test-'));
  chmodSync(dir, 0o711); // Postgres runs as its own user when the tests run as root and must reach its data dir
  let stack: Stack;
  try {
    stack = await startStack({ dir, services, ports: 'random', seedDemo: true, ...extra });
  } catch (err) {
    printLogTails(dir, 'the test stack did not start');
    throw err;
  }
  return {
    ...stack,
    dir,
    async stop() {
      await stack.stop();
      if (anyTestFailed()) printLogTails(dir, 'a test of this file failed');
      // SHOPSTACK_KEEP_TEST_DIRS=1 keeps data and logs for a post-mortem (the path is in each test's output)
      else if (process.env.SHOPSTACK_KEEP_TEST_DIRS === '1') console.error(`kept ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Parses Prometheus text and sums the samples of `metric` whose labels include `labels`. */
export function metricValue(text: string, metric: string, labels: Record<string, string> = {}): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${metric}{`) || line.startsWith(`${metric} `))
    .filter((line) => Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}
