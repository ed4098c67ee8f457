import { checkAutoscaling } from './autoscaling.ts';
import { parseQuantity } from './quantity.ts';
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
        field: `${field}.resources.requests.${resource}`,
        message: `request ${request} exceeds limit ${limit}`,
      });
    }
  }
  return problems;
}

/**
 * Checks rules that CEL could only express clumsily (quantity arithmetic across fields). The operator
 * reports these as Degraded instead of failing; the constructs refuse to render them.
 */
export function checkSpec(spec: ShopStackSpec): SpecProblem[] {
  return [
    ...serviceNames.flatMap((name) => checkResources(`spec.services.${name}`, spec.services[name].resources)),
    ...serviceNames.flatMap((name) => checkAutoscaling(`spec.services.${name}`, spec.services[name])),
    ...(spec.database.mode === 'managed'
      ? checkResources('spec.database.managed', spec.database.managed.resources)
      : []),
    ...(spec.redis.mode === 'managed' ? checkResources('spec.redis', spec.redis.resources) : []),
  ];
}
