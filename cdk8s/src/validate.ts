import { checkAutoscaling } from './autoscaling.ts';
import { parseQuantity } from './quantity.ts';
import { scheduleProblem } from './schedule.ts';
import { type Resources, type ShopStackSpec, serviceNames } from './spec.ts';

/** One problem in a spec that the CRD schema cannot express, with the field it concerns. */
export interface SpecProblem {
  readonly field: string;
  readonly message: string;
}

function checkResources(field: string, resources: Resources): SpecProblem[] {
  const problems: SpecProblem[] = [];
  for (const resource of ['cpu', 'memory'] as const) {
    const request = resources.requests[resource];
    const limit = resources.limits[resource];
    if (request === undefined || limit === undefined) continue;
    if ((parseQuantity(request) ?? 0) > (parseQuantity(limit) ?? Number.POSITIVE_INFINITY)) {
      problems.push({
        field: `${field}.requests.${resource}`,
        message: `request ${request} exceeds limit ${limit}`,
      });
    }
  }
  return problems;
}

function checkBackup(spec: ShopStackSpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const schedule = spec.backup?.schedule;
  const problem = schedule === undefined ? undefined : scheduleProblem(schedule);
  if (problem)
    problems.push({
      field: 'spec.backup.schedule',
      message: `${JSON.stringify(schedule)} is not a valid cron schedule: ${problem}`,
    });
  if (spec.database.mode !== 'managed') {
    if (spec.backup)
      problems.push({
        field: 'spec.backup',
        message: 'backups are taken of the managed database only (database.mode: managed)',
      });
    if (spec.restore)
      problems.push({
        field: 'spec.restore',
        message: 'a restore needs the managed database (database.mode: managed)',
      });
  }
  return problems;
}

/**
 * Checks rules that CEL could only express clumsily (quantity arithmetic across fields). The operator
 * reports these as Degraded instead of failing; the constructs refuse to render them.
 */
export function checkSpec(spec: ShopStackSpec): SpecProblem[] {
  return [
    ...serviceNames.flatMap((name) => checkResources(`spec.services.${name}.resources`, spec.services[name].resources)),
    ...serviceNames.flatMap((name) => checkAutoscaling(`spec.services.${name}`, spec.services[name])),
    ...(spec.database.mode === 'managed'
      ? checkResources('spec.database.managed.resources', spec.database.managed.resources)
      : []),
    ...(spec.redis.mode === 'managed' ? checkResources('spec.redis.resources', spec.redis.resources) : []),
    ...checkResources('spec.dapr.sidecarResources', spec.dapr.sidecarResources),
    ...checkBackup(spec),
  ];
}
