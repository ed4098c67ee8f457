import { CronExpressionParser } from 'cron-parser';

/**
 * The backup schedule's arithmetic (cron, always UTC), kept pure so the operator's decisions can be
 * unit tested: which run is due now, and when the next one is.
 */

/** Why `schedule` is not a cron expression we accept, or undefined when it is. */
export function scheduleProblem(schedule: string): string | undefined {
  try {
    CronExpressionParser.parse(schedule, { tz: 'UTC', strict: false });
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** The latest run of `schedule` in (after, now], if any: what is due and not yet taken. */
export function dueRun(schedule: string, after: Date, now: Date): Date | undefined {
  if (now <= after) return undefined;
  const expr = CronExpressionParser.parse(schedule, { tz: 'UTC', currentDate: new Date(now.getTime() + 1) });
  const previous = expr.prev().toDate();
  return previous > after ? previous : undefined;
}

/** The first run of `schedule` after `now`. */
export function nextRun(schedule: string, now: Date): Date {
  return CronExpressionParser.parse(schedule, { tz: 'UTC', currentDate: now }).next().toDate();
}

const unitMs = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `90m`, `12h`, `7d` in milliseconds (the spec's agePattern). */
export function ageMs(age: string): number {
  const unit = age.slice(-1) as keyof typeof unitMs;
  return Number(age.slice(0, -1)) * unitMs[unit];
}
