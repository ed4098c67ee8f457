import type { ShopStackSpec } from './spec.ts';

/** What every construct of one shop needs to know: who it is and what was asked for. */
export interface ShopContext {
  /** Instance name: the prefix of every object name and the app.kubernetes.io/instance label. */
  readonly name: string;
  readonly namespace: string;
  readonly spec: ShopStackSpec;
  /** Value of app.kubernetes.io/managed-by. */
  readonly managedBy: string;
}

export type Labels = Record<string, string>;

export const labelKeys = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  managedBy: 'app.kubernetes.io/managed-by',
  version: 'app.kubernetes.io/version',
} as const;

/** `<shop>-<suffix>`: one shop's objects never collide with another's or with unrelated ones. */
export function objectName(ctx: ShopContext, suffix: string): string {
  return `${ctx.name}-${suffix}`;
}

/** Labels that select one component's pods; never includes anything that changes over time. */
export function selectorLabels(ctx: ShopContext, name: string): Labels {
  return { [labelKeys.name]: name, [labelKeys.instance]: ctx.name };
}

/** Selects every pod of the shop that runs a service (as opposed to Postgres or Redis). */
export function appPodLabels(ctx: ShopContext): Labels {
  return { [labelKeys.instance]: ctx.name, [labelKeys.component]: 'app' };
}

export function objectLabels(ctx: ShopContext, name: string, component: string): Labels {
  return {
    ...selectorLabels(ctx, name),
    [labelKeys.component]: component,
    [labelKeys.partOf]: 'shopstack',
    [labelKeys.managedBy]: ctx.managedBy,
    [labelKeys.version]: ctx.spec.version,
  };
}

/**
 * The labels of a data store's pods: its object labels without the shop's version. Postgres' and Redis'
 * images do not change with `spec.version`, so a shop upgrade must not restart them (a version label in
 * the pod template would).
 */
export function dataStorePodLabels(labels: Labels): Labels {
  const { [labelKeys.version]: _version, ...rest } = labels;
  return rest;
}

export function meta(
  ctx: ShopContext,
  opts: { name: string; labels: Labels; annotations?: Labels },
): { name: string; namespace: string; labels: Labels; annotations?: Labels } {
  return {
    name: opts.name,
    namespace: ctx.namespace,
    labels: opts.labels,
    ...(opts.annotations && { annotations: opts.annotations }),
  };
}
