import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPostgresUnavailable, readMigrations } from './db.ts';

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

describe('readMigrations', () => {
  it('orders migrations by their numeric version, not by file name', () => {
    const dir = dirWith({ '010_later.sql': 'SELECT 10', '002_second.sql': 'SELECT 2', 'README.md': 'ignored' });
    expect(readMigrations(dir).map((m) => [m.version, m.name])).toEqual([
      [2, 'second'],
      [10, 'later'],
    ]);
  });

  it('rejects a file that does not follow NNN_name.sql', () => {
    const dir = dirWith({ 'add-users.sql': 'SELECT 1' });
    expect(() => readMigrations(dir)).toThrow(/add-users\.sql must be named NNN_name\.sql/);
  });
});

describe('isPostgresUnavailable', () => {
  const withCode = (code: string) => Object.assign(new Error(code), { code });

  it('is true for a server not reachable yet: refused, unknown host, starting up, shutting down', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', '57P03', '57P01', '08006']) {
      expect(isPostgresUnavailable(withCode(code)), code).toBe(true);
    }
  });

  it('is false for errors no wait can fix: a wrong password, a missing table, no code at all', () => {
    for (const error of [withCode('28P01'), withCode('42P01'), new Error('boom')]) {
      expect(isPostgresUnavailable(error), error.message).toBe(false);
    }
  });
});
