import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig } from './config.ts';

const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATABASE_URL: z.url(),
});

describe('loadConfig', () => {
  it('when every variable is valid, returns typed values with defaults applied', () => {
    expect(loadConfig(schema, { DATABASE_URL: 'postgres://db/x' })).toEqual({
      PORT: 3000,
      DATABASE_URL: 'postgres://db/x',
    });
  });

  it('when a variable is missing or malformed, names each bad variable', () => {
    const attempt = (): unknown => loadConfig(schema, { PORT: 'eighty' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (err) {
      const issues = (err as ConfigError).issues;
      expect(issues).toHaveLength(2);
      expect(issues[0]).toMatch(/^PORT: /);
      expect(issues[1]).toMatch(/^DATABASE_URL: /);
    }
  });
});
