import { parseQuantity } from '@shopstack/cdk8s';
import type { KubeObject } from '../kube/object.ts';
import { appliedFields, strayFields } from './managed-fields.ts';

// Go's omitempty: the server does not store these, so "absent" in the live object means the same
function isZero(value: unknown): boolean {
  if (value === '' || value === 0 || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  return value !== null && typeof value === 'object' && Object.keys(value).length === 0;
}

function sameScalar(desired: unknown, live: unknown): boolean {
  if (desired === live) return true;
  // the server stores quantities in canonical form ("0.5" → "500m", "1024Mi" → "1Gi")
  if (typeof desired === 'string' && typeof live === 'string') {
    const a = parseQuantity(desired);
    return a !== undefined && a === parseQuantity(live);
  }
  return false;
}

/**
 * True when every field the operator sets has that value in the live object. Fields the server or
 * other controllers add (defaults, status, annotations) are ignored; lists must match element by element.
 */
export function covers(desired: unknown, live: unknown): boolean {
  if (live === undefined) return isZero(desired);
  if (Array.isArray(desired)) {
    return Array.isArray(live) && live.length === desired.length && desired.every((item, i) => covers(item, live[i]));
  }
  if (desired !== null && typeof desired === 'object') {
    if (live === null || typeof live !== 'object' || Array.isArray(live)) return false;
    const record = live as Record<string, unknown>;
    return Object.entries(desired).every(([key, value]) => covers(value, record[key]));
  }
  return sameScalar(desired, live);
}

/**
 * Why applying `desired` would change `live`, or undefined when it would change nothing: every field the
 * operator renders has its value live (fields the server or other controllers add are ignored), and
 * `manager` owns no field the rendering leaves out (the next apply would remove it).
 */
export function whyApply(desired: KubeObject, live: KubeObject | undefined, manager: string): string | undefined {
  if (!live) return 'missing';
  const owned = appliedFields(live, manager, desired.apiVersion);
  if (!owned) return `not applied by ${manager} as ${desired.apiVersion}`;
  const { metadata, ...body } = desired;
  const refs = live.metadata.ownerReferences ?? [];
  // other owners may add references of their own; the operator only needs its own to be there
  const ownersPresent = (metadata.ownerReferences ?? []).every((ref) => refs.some((r) => covers(ref, r)));
  const same =
    ownersPresent &&
    covers(metadata.labels ?? {}, live.metadata.labels ?? {}) &&
    covers(metadata.annotations ?? {}, live.metadata.annotations ?? {}) &&
    covers(body, live);
  if (!same) return 'a rendered field differs';
  const stray = strayFields(owned, desired);
  return stray.length ? `no longer rendered: ${stray.join(', ')}` : undefined;
}

/** Whether applying `desired` would change nothing in `live` (see whyApply). */
export function upToDate(desired: KubeObject, live: KubeObject | undefined, manager: string): boolean {
  return whyApply(desired, live, manager) === undefined;
}
