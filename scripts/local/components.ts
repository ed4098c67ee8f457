// Renders the local run's Dapr Configurations and Subscriptions from the service manifests.
// `npm run components` writes them into components/; a unit test fails when the files drift.
import { join, resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { stringify } from 'yaml';
import { resiliencySpec } from '../../cdk8s/src/dapr-resiliency.ts';
import { metricsSpec } from '../../cdk8s/src/dapr-configuration.ts';
import { subscriptionSpec } from '../../cdk8s/src/dapr-subscriptions.ts';
import { type Caller, manifests, type ServiceName, serviceNames } from '../../services/manifests.ts';

export const componentsDir: string = resolve(import.meta.dirname, '../../components');

const generated = '# Generated from services/*/src/manifest.ts by `npm run components`; do not edit.';
/** Dapr's default trust domain and namespace for self-hosted sidecars. */
const trustDomain = 'public';
const namespace = 'default';

function policy(caller: Caller): Record<string, unknown> {
  const base = { appId: caller.appId, defaultAction: caller.operations ? 'deny' : 'allow', trustDomain, namespace };
  if (!caller.operations) return base;
  return {
    ...base,
    operations: caller.operations.map((op) => ({ name: op.path, httpVerb: [...op.verbs], action: 'allow' })),
  };
}

function configuration(service: ServiceName): Record<string, unknown> {
  return {
    apiVersion: 'dapr.io/v1alpha1',
    kind: 'Configuration',
    metadata: { name: service },
    spec: {
      mtls: { enabled: true },
      // no collector in a local run: sidecars record no spans (~0.8 ms per call saved) but pass the
      // W3C trace context through, so the services' spans still form one trace
      tracing: { samplingRate: '0' },
      metrics: metricsSpec,
      // relative to the sidecar's working directory (the run's state folder); a sidecar waits up to 5 s for
      // another's lock on it (Dapr's default, 0.8 s, ran out while all sidecars started on a busy host)
      nameResolution: {
        component: 'sqlite',
        configuration: { connectionString: 'nameresolution.db', busyTimeout: '5s' },
      },
      secrets: { scopes: [{ storeName: 'localsecrets', defaultAccess: 'deny' }] },
      accessControl: {
        defaultAction: 'deny',
        trustDomain,
        policies: manifests[service].callers.map(policy),
      },
    },
  };
}

function callersComment(service: ServiceName): string {
  const callers: readonly Caller[] = manifests[service].callers;
  const lines = callers.map(
    (c) => `#   ${c.appId}${c.operations ? ' (only its operations)' : ''}${c.why ? `: ${c.why}` : ''}`,
  );
  return [
    `# Sidecar of ${service}: mTLS through Sentry; may be invoked by`,
    ...(lines.length ? lines : ['#   nobody']),
  ].join('\n');
}

function subscriptions(): Record<string, unknown>[] {
  return serviceNames.flatMap((service) =>
    manifests[service].subscribes.map((topic: string) => ({
      apiVersion: 'dapr.io/v2alpha1',
      kind: 'Subscription',
      metadata: { name: `${service}-${topic}` },
      spec: subscriptionSpec(service, topic),
      scopes: [service],
    })),
  );
}

async function yamlFile(header: string, docs: readonly unknown[]): Promise<string> {
  const body = docs.map((doc) => stringify(doc)).join('---\n');
  const filepath = join(componentsDir, 'generated.yaml');
  return format(`${generated}\n${header}\n${body}`, { ...(await resolveConfig(filepath)), filepath });
}

/** Path (relative to components/) → content, for every generated file. */
export async function renderLocalComponents(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const service of serviceNames) {
    files.set(join('config', `${service}.yaml`), await yamlFile(callersComment(service), [configuration(service)]));
  }
  files.set(
    join('resources', 'subscriptions.yaml'),
    await yamlFile(
      '# Delivery is at least once: every consumer dedupes by CloudEvent id in the same write as its effect;\n' +
        '# an event that still fails after the resiliency retries goes to the dead-letter topic.',
      subscriptions(),
    ),
  );
  files.set(
    join('resources', 'resiliency.yaml'),
    await yamlFile('# The policies and their reasons: cdk8s/src/dapr-resiliency.ts.', [
      { apiVersion: 'dapr.io/v1alpha1', kind: 'Resiliency', metadata: { name: 'shopstack' }, spec: resiliencySpec },
    ]),
  );
  return files;
}
