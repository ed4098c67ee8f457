import { type ShopStackSpec, shopStackSpecSchema } from './spec.ts';
import { checkSpec } from './validate.ts';

/** A spec that failed validation; `problems` name each offending field. */
export class InvalidSpecError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid ShopStack spec: ${problems.join('; ')}`);
    this.problems = problems;
    this.name = 'InvalidSpecError';
  }
}

function show(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value);
}

/** Fills in defaults and checks everything the CRD checks and more; throws InvalidSpecError. */
export function parseSpec(input: unknown): ShopStackSpec {
  const parsed = shopStackSpecSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    throw new InvalidSpecError(
      parsed.error.issues.map(
        (issue) =>
          `spec.${issue.path.join('.')}: ${issue.message} (got ${show('input' in issue ? issue.input : undefined)})`,
      ),
    );
  }
  const problems = checkSpec(parsed.data);
  if (problems.length > 0) throw new InvalidSpecError(problems.map((p) => `${p.field}: ${p.message}`));
  return parsed.data;
}
