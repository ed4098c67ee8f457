// vitest globalSetup of the integration project: a fresh machine gets what the tests need before any test runs.
import { ensureSystemPackages, shopNeeds } from '../../scripts/local/system-packages.ts';
import { ensureSchemathesis } from './schemathesis.ts';

export default function setup(): void {
  const say = (line: string): void => console.log(`[setup] ${line}`);
  ensureSystemPackages(shopNeeds, say);
  ensureSchemathesis(say);
}
