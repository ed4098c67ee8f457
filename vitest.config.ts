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
            'web/src/**/*.test.ts',
            'web/server/**/*.test.ts',
          ],
          exclude: ['**/node_modules/**'],
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/cluster/**'],
          // installs what the tests need on a fresh machine (Postgres, Redis, schemathesis), or says how
          globalSetup: ['tests/support/global-setup.ts'],
          // a failed file's stack keeps its dir and prints the tails of its logs (tests/support/post-mortem.ts)
          setupFiles: ['tests/support/setup.ts'],
          // each file starts its own real processes; two cores cannot run several stacks at once
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 180_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'cluster',
          // every kind test file shares one cluster, brought up by the first and left as found after the last
          include: ['tests/cluster/**/*.test.ts'],
          globalSetup: ['tests/cluster/global-setup.ts'],
          setupFiles: ['tests/support/setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 180_000,
          // after the unit and integration projects: an idle cluster costs a quarter of a core, and the
          // local stacks' fault tests run on both cores
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
