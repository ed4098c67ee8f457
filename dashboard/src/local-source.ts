import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SidecarClient, type SidecarMetadata } from '@shopstack/kit/sidecar';
import { parseAllDocuments } from 'yaml';
import { certificateView } from './certs.ts';
import type { AppView, CertificateView, DaprView, DaprViewSource, HealthItem } from './model.ts';
import { type DaprResource, resourceViews } from './resources.ts';

/** What the local runner knows about one sidecar. The token stays in this process. */
export interface LocalSidecar {
  readonly appId: string;
  readonly httpPort: number;
  readonly daprApiToken: string;
}

export interface LocalTargets {
  readonly sidecars: readonly LocalSidecar[];
  /** Holds `config/*.yaml` (Configurations) and `resources/*.yaml` (Components, Subscriptions, Resiliency). */
  readonly componentsDir: string;
  readonly sentry: {
    readonly healthzUrl: string;
    /** Sentry's issuer credentials directory: only the public ca.crt and issuer.crt are read. */
    readonly credentialsDir: string;
  };
  /** Per-request timeout towards sidecars and Sentry. Default 2000 ms. */
  readonly timeoutMs?: number;
}

/** The part of a sidecar's metadata the view uses beyond what the kit types. */
interface AppMetadata extends SidecarMetadata {
  readonly appConnectionProperties?: {
    readonly port?: number;
    readonly protocol?: string;
    readonly channelAddress?: string;
  };
}

interface SidecarState {
  readonly sidecar: LocalSidecar;
  readonly healthy: boolean;
  readonly metadata?: AppMetadata;
  readonly error?: string;
}

function readResources(dir: string): DaprResource[] {
  return readdirSync(dir)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort()
    .flatMap((file) => parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => d.toJS() as DaprResource))
    .filter((r): r is DaprResource => Boolean(r && typeof r === 'object'));
}

/** The local run's Dapr view: each sidecar's health and metadata, the resource files, and Sentry. */
export class LocalSource implements DaprViewSource {
  readonly #targets: LocalTargets;

  constructor(targets: LocalTargets) {
    this.#targets = targets;
  }

  async read(): Promise<DaprView> {
    const { componentsDir } = this.#targets;
    const states = await Promise.all(this.#targets.sidecars.map((s) => this.#probe(s)));
    const views = resourceViews([
      ...readResources(join(componentsDir, 'resources')),
      ...readResources(join(componentsDir, 'config')),
    ]);
    const loaders = (name: string): string[] =>
      states.filter((s) => s.metadata?.components?.some((c) => c.name === name)).map((s) => s.sidecar.appId);
    const subscribers = (pubsub: string, topic: string): string[] =>
      states
        .filter((s) => s.metadata?.subscriptions?.some((sub) => sub.pubsubname === pubsub && sub.topic === topic))
        .map((s) => s.sidecar.appId);
    return {
      source: 'local',
      namespace: 'default',
      generatedAt: new Date().toISOString(),
      notes: [`Local run: ${states.length} sidecars, resources from ${componentsDir}.`],
      controlPlane: [await this.#sentryHealth()],
      certificates: this.#certificates(),
      apps: states.map(appView).sort((a, b) => a.appId.localeCompare(b.appId)),
      components: views.components.map((c) => ({ ...c, loadedBy: loaders(c.name) })),
      configurations: views.configurations,
      // a subscription the sidecar reports is active; its scopes say who should have it
      subscriptions: views.subscriptions.map((s) => ({
        ...s,
        activeIn: subscribers(s.pubsub, s.topic).filter((app) => s.appIds.length === 0 || s.appIds.includes(app)),
      })),
      resiliencies: views.resiliencies,
    };
  }

  /** Its health and its metadata (what it loaded), through the kit's client with the app's token. */
  async #probe(sidecar: LocalSidecar): Promise<SidecarState> {
    const client = new SidecarClient(
      { host: '127.0.0.1', httpPort: sidecar.httpPort, apiToken: sidecar.daprApiToken },
      { callMs: this.#targets.timeoutMs ?? 2000 },
    );
    const [health, metadata] = await Promise.allSettled([client.healthz(), client.metadata()]);
    if (metadata.status === 'rejected') {
      const reason = (metadata.reason as Error).message;
      return { sidecar, healthy: false, error: `sidecar on port ${sidecar.httpPort}: ${reason}` };
    }
    return {
      sidecar,
      healthy: health.status === 'fulfilled',
      metadata: metadata.value,
      ...(health.status === 'rejected' && { error: (health.reason as Error).message }),
    };
  }

  async #sentryHealth(): Promise<HealthItem> {
    try {
      const res = await fetch(this.#targets.sentry.healthzUrl, {
        signal: AbortSignal.timeout(this.#targets.timeoutMs ?? 2000),
      });
      return { name: 'sentry', health: res.ok ? 'healthy' : 'unhealthy', detail: `healthz answered ${res.status}` };
    } catch (err) {
      return { name: 'sentry', health: 'unhealthy', detail: (err as Error).message };
    }
  }

  #certificates(): CertificateView[] {
    const dir = this.#targets.sentry.credentialsDir;
    return [
      ['root CA (trust anchors)', 'ca.crt'],
      ['Sentry issuer', 'issuer.crt'],
    ].map(([name, file]) => {
      try {
        return certificateView(name as string, readFileSync(join(dir, file as string), 'utf8'));
      } catch (err) {
        return {
          name: name as string,
          subject: '',
          notAfter: '',
          daysLeft: 0,
          health: 'unknown' as const,
          detail: (err as Error).message,
        };
      }
    });
  }
}

function appView(state: SidecarState): AppView {
  const { metadata, sidecar } = state;
  const conn = metadata?.appConnectionProperties;
  return {
    appId: sidecar.appId,
    health: state.healthy ? 'healthy' : 'unhealthy',
    desired: 1,
    ready: state.healthy ? 1 : 0,
    ...(metadata?.runtimeVersion && { runtimeVersion: metadata.runtimeVersion }),
    ...(conn && {
      appConnection: `${conn.protocol ?? 'http'} ${conn.channelAddress ?? '127.0.0.1'}:${conn.port ?? '?'}`,
    }),
    loadedComponents: (metadata?.components ?? []).map((c) => c.name).sort(),
    detail: state.error ?? `sidecar HTTP API on 127.0.0.1:${sidecar.httpPort}`,
  };
}
