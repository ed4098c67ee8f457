import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { toYaml, toYamlStream } from './yaml.ts';

/** Strings that YAML 1.1 (kubectl, Helm, go-yaml) or 1.2 reads as something other than a string when plain. */
const risky = [
  ...['yes', 'Yes', 'YES', 'no', 'No', 'NO', 'on', 'On', 'ON', 'off', 'Off', 'OFF', 'y', 'Y', 'n', 'N'],
  ...['true', 'False', 'null', '~', 'Null'],
  ...['0755', '0644', '0o17', '0O17', '0x1F', '0X1f', '0b101', '0B11', '1_000', '-0_7'],
  ...['1:20', '190:20:30.15', '-1:30'],
  ...['2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10'],
  ...['1e3', '1.5', '.5', '.inf', '-.Inf', '.nan', '8080', '+12'],
  '<<',
];

describe('toYaml', () => {
  it.each(risky)('writes %s so that YAML 1.1 and 1.2 both read it back as that string', (text) => {
    // WHEN
    const yaml = toYaml({ args: [text], map: { [text]: text } });

    // THEN: quoted (go-yaml also reads 0O17 and 0X1f as numbers), and read back the same
    expect(yaml.split('\n')[1]).toMatch(/^ {2}- "/);
    for (const version of ['1.1', '1.2'] as const)
      expect(parse(yaml, { version })).toEqual({ args: [text], map: { [text]: text } });
  });

  it('leaves plain what every reading agrees on, and keeps numbers, booleans and null typed', () => {
    expect(toYaml({ args: ['--appendonly', 'redis-server'], port: 6379, on: true, off: null })).toBe(
      'args:\n  - --appendonly\n  - redis-server\nport: 6379\n"on": true\n"off": null\n',
    );
  });

  it('joins several objects into one stream that reads back the same', () => {
    // WHEN
    const stream = toYamlStream([
      { kind: 'A', value: 'yes' },
      { kind: 'B', value: '0755' },
    ]);

    // THEN
    expect(parseAllDocuments(stream, { version: '1.1' }).map((doc) => doc.toJS())).toEqual([
      { kind: 'A', value: 'yes' },
      { kind: 'B', value: '0755' },
    ]);
  });
});
