import type { Migration } from './db.ts';

/**
 * Statements a migration may not hold, because the version still running during a roll (or a pod of it
 * that starts late) would fail against the migrated schema: they contract it. A contraction ships only
 * in a release after the one that stopped using what it removes (docs/operations.md, "Migrations").
 */
const contracting: readonly { readonly pattern: RegExp; readonly why: string }[] = [
  { pattern: /\bDROP\s+(TABLE|VIEW|TYPE|SCHEMA)\b/i, why: 'drops what the running version may read' },
  { pattern: /\bDROP\s+COLUMN\b/i, why: 'drops a column the running version may read or write' },
  { pattern: /\bRENAME\b/i, why: 'renames what the running version names' },
  {
    pattern: /\bALTER\s+COLUMN\s+\S+\s+(SET\s+DATA\s+)?TYPE\b/i,
    why: "changes a column's type under the running version",
  },
  { pattern: /\bSET\s+NOT\s+NULL\b/i, why: 'makes the running version’s inserts without the column fail' },
  {
    pattern: /\bADD\s+COLUMN\s+(?:(?!DEFAULT|GENERATED)[^,;])*\bNOT\s+NULL\b(?:(?!DEFAULT|GENERATED)[^,;])*[,;]/i,
    why: 'adds a NOT NULL column without a default: the running version’s inserts fail',
  },
];

/** Code between $$ quotes (function bodies) and comments are not statements on the schema. */
function schemaStatements(sql: string): string {
  return sql.replace(/\$\$[\s\S]*?\$\$/g, '$$$$').replace(/--[^\n]*/g, '');
}

/**
 * Why `migration` is not expand-only, one line per problem; empty when it is. A function may be dropped
 * only to be created again in the same migration (its answer may gain columns: callers name theirs).
 */
export function contractProblems(migration: Migration): string[] {
  const sql = schemaStatements(migration.sql);
  const label = `${migration.version}_${migration.name}`;
  const problems = contracting.filter(({ pattern }) => pattern.test(sql)).map(({ why }) => `${label}: ${why}`);
  for (const [, fn] of sql.matchAll(/\bDROP\s+FUNCTION\s+(?:IF\s+EXISTS\s+)?([\w.]+)/gi)) {
    if (!new RegExp(`\\bCREATE\\s+(OR\\s+REPLACE\\s+)?FUNCTION\\s+${fn}\\b`, 'i').test(sql)) {
      problems.push(`${label}: drops function ${fn} without creating it again`);
    }
  }
  return problems;
}
