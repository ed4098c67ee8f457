import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Per-installation credentials of a local run, generated once and kept with mode 0600. */
export interface StackSecrets {
  readonly databasePassword: string;
  /** Per app: what the app presents to its sidecar, and what the sidecar presents to the app. */
  readonly tokens: Readonly<Record<string, { readonly daprApiToken: string; readonly appApiToken: string }>>;
}

const token = (): string => randomBytes(24).toString('base64url');

/** Loads the secrets file, adding tokens for apps it does not know yet. */
export function loadOrCreateSecrets(file: string, appIds: readonly string[]): StackSecrets {
  const existing: Partial<StackSecrets> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const tokens = { ...existing.tokens };
  for (const id of appIds) tokens[id] ??= { daprApiToken: token(), appApiToken: token() };
  const secrets: StackSecrets = { databasePassword: existing.databasePassword ?? token(), tokens };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
