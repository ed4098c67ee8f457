import { describe, expect, it } from 'vitest';
import { contractProblems } from './expand-contract.ts';

const migration = (sql: string) => ({ version: 7, name: 'change', sql });

describe('contractProblems', () => {
  it('accepts what only expands: new tables, nullable columns, columns with defaults, indexes, replaced functions', () => {
    for (const sql of [
      'CREATE TABLE reviews (id uuid PRIMARY KEY, body text NOT NULL)',
      'ALTER TABLE products ADD COLUMN subtitle text',
      "ALTER TABLE products ADD COLUMN subtitle text NOT NULL DEFAULT ''",
      'CREATE INDEX products_subtitle ON products (subtitle)',
      'DROP FUNCTION f(uuid); CREATE FUNCTION f(p uuid) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$',
      // inside a function body and in comments, words are not statements
      "CREATE FUNCTION g() RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'DROP TABLE t'; END $$; -- RENAME later",
    ]) {
      expect(contractProblems(migration(sql)), sql).toEqual([]);
    }
  });

  it('names each contraction: drops, renames, type changes, NOT NULL on existing or new columns', () => {
    const cases: [string, RegExp][] = [
      ['DROP TABLE carts', /drops what the running version may read/],
      ['ALTER TABLE products DROP COLUMN description', /drops a column/],
      ['ALTER TABLE products RENAME COLUMN name TO title', /renames/],
      ['ALTER TABLE products ALTER COLUMN price_cents TYPE bigint', /type/],
      ['ALTER TABLE products ALTER COLUMN category SET NOT NULL', /inserts without the column fail/],
      ['ALTER TABLE products ADD COLUMN subtitle text NOT NULL;', /without a default/],
      ['DROP FUNCTION reserve_stock(uuid, jsonb)', /drops function reserve_stock without creating it again/],
    ];
    for (const [sql, why] of cases) {
      const problems = contractProblems(migration(sql));
      expect(problems, sql).toHaveLength(1);
      expect(problems[0], sql).toMatch(/^7_change: /);
      expect(problems[0], sql).toMatch(why);
    }
  });
});
