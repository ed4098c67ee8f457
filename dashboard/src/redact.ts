import type { MetadataEntry } from './model.ts';

/** A Dapr metadata item as written in a Component: a plain value, a secret reference, or an env reference. */
export interface RawMetadataItem {
  readonly name?: unknown;
  readonly value?: unknown;
  readonly secretKeyRef?: { readonly name?: unknown; readonly key?: unknown };
  readonly envRef?: unknown;
}

// names of Dapr metadata fields that carry credentials (connectionString, redisPassword, accessKey, sasToken…)
const secretName =
  /pass(word|wd|phrase)?|secret|token|connection.?string|credential|private.?key|access.?key|api.?key|sas|auth|dsn|cert|jks/i;
// a URL with user information carries its password inline (postgres://user:pw@host)
const userInfoUrl = /^[a-z][a-z0-9+.-]*:\/\/[^/\s@]+@/i;

export const maskedValue = '••••••';

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** One metadata item as the page may show it: references as references, secret-looking values masked. */
export function redactItem(item: RawMetadataItem): MetadataEntry {
  const name = text(item.name);
  if (item.secretKeyRef) {
    const ref = `${text(item.secretKeyRef.name)}${item.secretKeyRef.key ? `/${text(item.secretKeyRef.key)}` : ''}`;
    return { name, kind: 'secretRef', value: ref };
  }
  if (item.envRef !== undefined) return { name, kind: 'envRef', value: text(item.envRef) };
  const value = text(item.value);
  if (value !== '' && (secretName.test(name) || userInfoUrl.test(value)))
    return { name, kind: 'masked', value: maskedValue };
  return { name, kind: 'value', value };
}

export function redactMetadata(items: unknown): MetadataEntry[] {
  return Array.isArray(items) ? items.map((item) => redactItem((item ?? {}) as RawMetadataItem)) : [];
}
