import { describe, expect, it } from 'vitest';
import { startedWithEngine } from './kind.ts';

describe('startedWithEngine', () => {
  const engine = Date.parse('2026-12-01T12:57:24Z');

  it('takes a node that started while the engine this project started was booting as restarted by Docker', () => {
    expect(startedWithEngine(engine + 1_500, engine)).toBe(true);
  });

  it('takes a node started later, or before the engine, or with an engine it did not start, as found running', () => {
    expect(startedWithEngine(engine + 10 * 60_000, engine)).toBe(false);
    expect(startedWithEngine(engine - 60_000, engine)).toBe(false);
    expect(startedWithEngine(engine + 1_500, undefined)).toBe(false);
  });
});
