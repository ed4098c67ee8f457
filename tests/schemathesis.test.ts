import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceNames } from '../services/manifests.ts';
import { schemathesisCommand } from './support/schemathesis.ts';
import { startTestStack, type TestStack } from './support/stack.ts';
import { ADMIN, apiClient } from './support/storefront.ts';

const root = resolve(import.meta.dirname, '..');
/** Cases per operation and phase: enough to find what the document misstates, small enough for CI. */
const MAX_EXAMPLES = 25;
const SEED = 20261201;

interface Report {
  readonly stop_reason: string;
  readonly test_cases: { readonly generated: number; readonly with_failures: number };
  readonly failures: readonly { readonly code: string; readonly title: string; readonly operations: string[] }[];
  readonly errors: readonly { readonly title: string; readonly count: number }[];
  readonly phases: Readonly<Record<string, { readonly status: string }>>;
}

/**
 * Failures README.md accepts, each with a reason: the rows of the table under "Schemathesis: accepted
 * failures", as `code operation` (e.g. `ST202 GET /api/v1/products`).
 */
function acceptedFailures(): Map<string, string> {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.split(/^#+ Schemathesis: accepted failures$/m)[1]?.split(/^#|^`/m)[0] ?? '';
  const rows = section.split('\n').filter((line) => /^\| `\w+` \| `[A-Z]+ \S+` \|/.test(line));
  return new Map(
    rows.map((row) => {
      const [check, operation, reason] = row
        .split('|')
        .slice(1, 4)
        .map((cell) => cell.trim().replaceAll('`', ''));
      return [`${check} ${operation}`, reason ?? ''];
    }),
  );
}

function runSchemathesis(schemaUrl: string, workDir: string): Promise<{ code: number | null; output: string }> {
  const [command, ...args] = schemathesisCommand as [string, ...string[]];
  const child = spawn(
    command,
    [
      ...args,
      '--config-file',
      join(root, 'tests', 'schemathesis.toml'),
      'run',
      schemaUrl,
      '--checks',
      'all',
      '--max-examples',
      String(MAX_EXAMPLES),
      '--seed',
      String(SEED),
      // one worker: Python 3.11's ast is not thread-safe, and hypothesis parses lambdas while generating
      '--workers',
      '1',
      '--report',
      'json',
      '--report-json-path',
      join(workDir, 'report.json'),
      '--continue-on-failure',
    ],
    {
      env: {
        ...process.env,
        SHOPSTACK_ADMIN_EMAIL: ADMIN.email,
        SHOPSTACK_ADMIN_PASSWORD: ADMIN.password,
        NO_COLOR: '1',
      },
      // its cache (.schemathesis/) goes there too, not into the repository
      cwd: workDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((done) => child.once('exit', (code) => done({ code, output })));
}

describe('the OpenAPI document, held to schemathesis with every check', () => {
  let stack: TestStack;
  const reports = mkdtempSync(join(tmpdir(), 'shopstack-schemathesis-'));

  beforeAll(async () => {
    stack = await startTestStack(serviceNames, {
      env: {
        identity: {
          SHOPSTACK_ADMIN_EMAIL: ADMIN.email,
          SHOPSTACK_ADMIN_PASSWORD: ADMIN.password,
          // the fuzzer logs in with wrong passwords by the hundred from one address
          LOGIN_MAX_FAILURES_PER_ADDRESS: '1000000',
          LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000000',
        },
        gateway: { RATE_LIMIT_PER_ADDRESS: '1000000', RATE_LIMIT_PER_USER: '1000000' },
      },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    rmSync(reports, { recursive: true, force: true });
  });

  it(
    'finds no failure that README.md does not list with a reason, and its stateful run reaches orders',
    { timeout: 1_200_000 },
    async () => {
      const run = await runSchemathesis(`${stack.gatewayUrl}/api/docs/openapi.json`, reports);
      const report = JSON.parse(readFileSync(join(reports, 'report.json'), 'utf8')) as Report;
      const accepted = acceptedFailures();
      const found = report.failures.flatMap((f) => f.operations.map((op) => `${f.code} ${op}`));
      const unexplained = found.filter((key) => !accepted.has(key));
      console.log(
        `schemathesis: ${report.test_cases.generated} cases, ${found.length} failures ` +
          `(${found.length - unexplained.length} accepted in README.md), exit code ${run.code}`,
      );

      if (unexplained.length) {
        // the stack's logs go with the stack: keep them for whoever reads the failure
        const kept = mkdtempSync(join(tmpdir(), 'shopstack-schemathesis-logs-'));
        cpSync(join(stack.dir, 'logs'), kept, { recursive: true });
        console.log(`schemathesis: the shop's logs of this run are in ${kept}`);
      }
      expect(unexplained, run.output).toEqual([]);
      expect(report.errors, run.output).toEqual([]);
      expect(report.stop_reason).toBe('completed');
      expect(Object.keys(report.phases)).toContain('stateful');
      expect(report.phases.stateful?.status).not.toBe('skipped');
      // the admin the fuzzer signs in as placed orders by following the links from stock to checkout
      const api = apiClient(stack);
      const { accessToken } = await api.login(ADMIN.email, ADMIN.password);
      const orders = await api.call('GET', '/api/v1/orders?limit=1', { token: accessToken });
      expect(orders.body.items).not.toHaveLength(0);
    },
  );
});
