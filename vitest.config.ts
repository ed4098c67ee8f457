import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'services/*/src/**/*.test.ts',
            'operator/src/**/*.test.ts',
            'cdk8s/**/*.test.ts',
            'scripts/**/*.test.ts',
            'dashboard/src/**/*.test.ts',
          ],
          exclude: ['**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/**/*.test.ts'],
          // installs what the tests need on a fresh machine (Postgres, Redis, schemathesis), or says how
          globalSetup: ['tests/support/global-setup.ts'],
          // a failed file's stack keeps its dir and prints the tails of its logs (tests/support/post-mortem.ts)
          setupFiles: ['tests/support/setup.ts'],
          // each file starts its own real processes; two cores cannot run several stacks at once
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
