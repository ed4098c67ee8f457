// What the operator's server-side apply owns on a live object (metadata.managedFields, fieldsV1), and
// which of those fields its rendering no longer sets. Such a field stays on the object until the operator
// applies again: server-side apply removes a field its manager owned and left out (when nobody else owns it).
import type { KubeObject } from '../kube/object.ts';

/**
 * A fieldsV1 set: each key names a field or list element, its value the fields owned below it.
 * `f:<name>` a field of a map, `k:<json>` the element of a keyed list whose keys have these values,
 * `v:<json>` the element of a set with this value, `i:<n>` a list element by index, `.` the element itself.
 */
export interface FieldSet {
  [path: string]: FieldSet;
}

interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  subresource?: string;
  fieldsType?: string;
  fieldsV1?: FieldSet;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The fields `manager`'s server-side apply owns on `live`, as recorded for `apiVersion`; undefined when it
 * has applied nothing to this object yet, or applied it as another version (its paths may differ).
 */
export function appliedFields(live: KubeObject, manager: string, apiVersion: string): FieldSet | undefined {
  const entry = (live.metadata.managedFields ?? []).find((e): e is ManagedFieldsEntry => {
    if (!isRecord(e)) return false;
    return e.manager === manager && e.operation === 'Apply' && !e.subresource;
  });
  if (!entry || entry.apiVersion !== apiVersion || entry.fieldsType !== 'FieldsV1' || !isRecord(entry.fieldsV1)) {
    return undefined;
  }
  return entry.fieldsV1;
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => sameJson(a[k], b[k]));
  }
  return false;
}

/**
 * Whether a rendered list element is the one a `k:` key names. The key holds the element's key fields as
 * stored, defaults included (a port rendered without `protocol` is stored under `"protocol":"TCP"`), so a
 * key field the rendering leaves out matches; at least one must be rendered and equal.
 */
function matchesKey(item: unknown, key: Record<string, unknown>): boolean {
  if (!isRecord(item)) return false;
  const fields = Object.entries(key);
  const rendered = fields.filter(([name]) => item[name] !== undefined);
  return rendered.length > 0 && rendered.every(([name, value]) => sameJson(item[name], value));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const absent = Symbol('absent');

/** The part of `rendered` that one fieldsV1 key names, or `absent`. */
function child(path: string, rendered: unknown): unknown {
  const tag = path.slice(0, 2);
  const rest = path.slice(2);
  if (tag === 'f:') return isRecord(rendered) && rendered[rest] !== undefined ? rendered[rest] : absent;
  if (!Array.isArray(rendered)) return absent;
  if (tag === 'k:') {
    const key = parseJson(rest);
    return isRecord(key) ? (rendered.find((item) => matchesKey(item, key)) ?? absent) : absent;
  }
  if (tag === 'v:') {
    const value = parseJson(rest);
    return rendered.some((item) => sameJson(item, value)) ? value : absent;
  }
  if (tag === 'i:') {
    const index = Number(rest);
    return Number.isInteger(index) && index >= 0 && index < rendered.length ? rendered[index] : absent;
  }
  return absent;
}

/** The owned paths at and below `at` (a field set's leaves; `at` itself when it has none). */
function leaves(owned: FieldSet | undefined, at: string): string[] {
  const below = Object.entries(owned ?? {}).filter(([path]) => path !== '.');
  if (!below.length) return [at];
  return below.flatMap(([path, set]) =>
    leaves(set, at + (path.startsWith('f:') ? `.${path.slice(2)}` : `[${path.slice(2)}]`)),
  );
}

/**
 * The paths of `owned` that `rendered` does not set (empty when the rendering sets every field the
 * manager owns). A path reads like `spec.template.spec.containers[{"name":"orders"}].env[{"name":"DEBUG"}]`.
 */
export function strayFields(owned: FieldSet, rendered: unknown, at = ''): string[] {
  const stray: string[] = [];
  for (const [path, below] of Object.entries(owned)) {
    if (path === '.') continue;
    const label = path.startsWith('f:') ? `${at ? '.' : ''}${path.slice(2)}` : `[${path.slice(2)}]`;
    const value = child(path, rendered);
    if (value === absent) stray.push(...leaves(below, at + label));
    else if (isRecord(below)) stray.push(...strayFields(below, value, at + label));
  }
  return stray;
}
