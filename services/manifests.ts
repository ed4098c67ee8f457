// Every service's manifest, in start-up order: what the local runner, components/ and cdk8s derive from.
import type { Caller, ServiceManifest, Storage } from '@shopstack/kit/manifest';
import { manifest as cart } from './cart/src/manifest.ts';
import { manifest as catalog } from './catalog/src/manifest.ts';
import { manifest as gateway } from './gateway/src/manifest.ts';
import { manifest as identity } from './identity/src/manifest.ts';
import { manifest as inventory } from './inventory/src/manifest.ts';
import { manifest as notifications } from './notifications/src/manifest.ts';
import { manifest as orders } from './orders/src/manifest.ts';
import { manifest as payments } from './payments/src/manifest.ts';

const all = { gateway, catalog, identity, cart, inventory, orders, payments, notifications } as const;

export type ServiceName = keyof typeof all;
export type { Caller, ServiceManifest, Storage };

export const manifests: Readonly<Record<ServiceName, ServiceManifest>> = all;

/** Names of the env vars a service's config schema reads. */
export function configKeys(service: ServiceName): string[] {
  return Object.keys((manifests[service].config as unknown as { shape: object }).shape);
}

/**
 * The Node flags a service runs with, wherever it runs: on the local runner's command line and in its
 * pods' NODE_OPTIONS (the image's command sets none).
 */
export function nodeOptions(service: ServiceName): string[] {
  return [`--max-semi-space-size=${manifests[service].semiSpaceMiB ?? 2}`];
}

/** Every service of the shop, in start-up order. */
export const serviceNames = Object.keys(manifests) as ServiceName[];
