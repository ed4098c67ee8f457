import { describe, expect, it } from 'vitest';
import { exec } from './exec.ts';

describe('exec', () => {
  it('passes input to the command on stdin', async () => {
    const result = await exec('cat', [], { input: 'hello' });
    expect(result).toMatchObject({ code: 0, stdout: 'hello' });
  });

  it('reports the exit code of a command that exits without reading a large input, instead of crashing on EPIPE', async () => {
    const input = 'x'.repeat(8 * 1024 * 1024);
    const results = await Promise.all(Array.from({ length: 5 }, () => exec('sh', ['-c', 'exit 3'], { input })));
    expect(results.map((r) => r.code)).toEqual([3, 3, 3, 3, 3]);
  });
});
