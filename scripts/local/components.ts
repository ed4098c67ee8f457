// Renders every file of components/ (the local run's Dapr Configurations, Components, Subscriptions and
// Resiliency, and Sentry's settings) through the same spec functions as the cluster rendering.
// `npm run components` writes them; a unit test fails when the files drift.
import { join, resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { componentSpecs } from '../../cdk8s/src/dapr-components.ts';
import { accessControlSpec, metricsSpec } from '../../cdk8s/src/dapr-configuration.ts';
import { resiliencySpec } from '../../cdk8s/src/dapr-resiliency.ts';
import { toYamlStream } from '../../cdk8s/src/yaml.ts';
import { deadLetterReader, deadLetterSubscriptionSpec, subscriptionSpec } from '../../cdk8s/src/dapr-subscriptions.ts';
import { type Caller, manifests, type ServiceName, serviceNames } from '../../services/manifests.ts';
import { localSecretStore, localTarget } from './component-target.ts';

export const componentsDir: string = resolve(import.meta.dirname, '../../components');

/** The first line of every file in components/. */
export const generatedHeader = (source: string): string =>
  `# Generated from ${source} by \`npm run components\`; do not edit.`;
const fromManifests = 'services/*/src/manifest.ts';

/** The namespace of self-hosted sidecars' SPIFFE ids (Dapr's default). */
const namespace = 'default';

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
      secrets: { scopes: [{ storeName: localSecretStore.name, defaultAccess: 'deny' }] },
      accessControl: accessControlSpec(service, namespace),
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

/** Sentry, the certificate authority of the local run (a cluster's comes with the Dapr control plane). */
const sentryConfiguration = {
  apiVersion: 'dapr.io/v1alpha1',
  kind: 'Configuration',
  metadata: { name: 'daprsystem' },
  spec: { mtls: { enabled: true, workloadCertTTL: '24h', allowedClockSkew: '15m' } },
};

function subscriptions(): Record<string, unknown>[] {
  return serviceNames.flatMap((service) =>
    manifests[service].subscribes.flatMap((topic: string) => [
      {
        apiVersion: 'dapr.io/v2alpha1',
        kind: 'Subscription',
        metadata: { name: `${service}-${topic}` },
        spec: subscriptionSpec(service, topic),
        scopes: [service],
      },
      ...(deadLetterReader(topic) === service
        ? [
            {
              apiVersion: 'dapr.io/v2alpha1',
              kind: 'Subscription',
              metadata: { name: `${service}-${topic}-deadletter` },
              spec: deadLetterSubscriptionSpec(topic),
              scopes: [service],
            },
          ]
        : []),
    ]),
  );
}

function components(): { name: string; about: string; doc: Record<string, unknown> }[] {
  return componentSpecs(localTarget).map(({ name, type, version, metadata, scopes, auth, about }) => ({
    name,
    about,
    doc: {
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'Component',
      metadata: { name },
      spec: { type, version, metadata },
      ...(auth && { auth }),
      scopes,
    },
  }));
}

/** `text` as YAML comment lines of at most about 100 characters. */
function commentLines(text: string): string {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && `${lines[last]} ${word}`.length <= 100) lines[last] += ` ${word}`;
    else lines.push(`# ${word}`);
  }
  return lines.join('\n');
}

async function yamlFile(source: string, header: string, docs: readonly unknown[]): Promise<string> {
  const body = toYamlStream(docs);
  const filepath = join(componentsDir, 'generated.yaml');
  return format(`${generatedHeader(source)}\n${header}\n${body}`, { ...(await resolveConfig(filepath)), filepath });
}

/** Path (relative to components/) → content, for every file of components/. */
export async function renderLocalComponents(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const service of serviceNames) {
    files.set(
      join('config', `${service}.yaml`),
      await yamlFile(fromManifests, callersComment(service), [configuration(service)]),
    );
  }
  files.set(
    join('config', 'daprsystem.yaml'),
    await yamlFile(
      'scripts/local/components.ts',
      '# Dapr Sentry, the certificate authority of the local run: workload certificates live a day and are\n' +
        '# renewed by each sidecar well before they expire.',
      [sentryConfiguration],
    ),
  );
  for (const { name, about, doc } of components()) {
    const header = commentLines(
      `${about} Rendered by componentSpecs (cdk8s/src/dapr-components.ts, where its settings are explained) ` +
        'with the local connections of scripts/local/component-target.ts.',
    );
    files.set(join('resources', `${name}.yaml`), await yamlFile(fromManifests, header, [doc]));
  }
  files.set(
    join('resources', 'subscriptions.yaml'),
    await yamlFile(
      fromManifests,
      '# Delivery is at least once: every consumer dedupes by CloudEvent id in the same write as its effect;\n' +
        '# an event that still fails after the resiliency retries goes to the dead-letter topic.',
      subscriptions(),
    ),
  );
  files.set(
    join('resources', 'resiliency.yaml'),
    await yamlFile(fromManifests, '# The policies and their reasons: cdk8s/src/dapr-resiliency.ts.', [
      { apiVersion: 'dapr.io/v1alpha1', kind: 'Resiliency', metadata: { name: 'shopstack' }, spec: resiliencySpec },
    ]),
  );
  return files;
}
