import type { AccessPolicyView, ComponentView, ConfigurationView, ResiliencyView, SubscriptionView } from './model.ts';
import { redactMetadata } from './redact.ts';

/** A Dapr resource (Component, Configuration, Subscription, Resiliency) as a YAML file or the API server holds it. */
export interface DaprResource {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: Record<string, unknown>;
  readonly scopes?: unknown;
  readonly auth?: { readonly secretStore?: string };
}

type Obj = Record<string, unknown>;

const obj = (value: unknown): Obj =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : {};
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);
const strings = (value: unknown): string[] => list(value).filter((v): v is string => typeof v === 'string');
const nameOf = (r: DaprResource): string => r.metadata?.name ?? '';

export function componentView(r: DaprResource): ComponentView {
  const spec = obj(r.spec);
  return {
    name: nameOf(r),
    type: str(spec.type),
    version: str(spec.version),
    scopes: strings(r.scopes),
    ...(r.auth?.secretStore && { secretStore: r.auth.secretStore }),
    metadata: redactMetadata(spec.metadata),
  };
}

function policyView(p: unknown): AccessPolicyView {
  const policy = obj(p);
  return {
    appId: str(policy.appId),
    defaultAction: str(policy.defaultAction, 'deny'),
    namespace: str(policy.namespace, 'default'),
    trustDomain: str(policy.trustDomain, 'public'),
    operations: list(policy.operations).map((o) => {
      const op = obj(o);
      return `${strings(op.httpVerb).join(',') || '*'} ${str(op.name)} ${str(op.action)}`;
    }),
  };
}

export function configurationView(r: DaprResource): ConfigurationView {
  const spec = obj(r.spec);
  const tracing = obj(spec.tracing);
  const access = obj(spec.accessControl);
  const endpoint = str(obj(tracing.otel).endpointAddress) || str(obj(tracing.zipkin).endpointAddress);
  return {
    name: nameOf(r),
    // Dapr turns mTLS on unless a Configuration turns it off
    mtls: obj(spec.mtls).enabled !== false,
    tracingSamplingRate: str(tracing.samplingRate, '0'),
    ...(endpoint && { tracingEndpoint: endpoint }),
    accessDefaultAction: spec.accessControl ? str(access.defaultAction, 'allow') : 'allow',
    policies: list(access.policies).map(policyView),
  };
}

export function subscriptionView(r: DaprResource): SubscriptionView {
  const spec = obj(r.spec);
  const routes = obj(spec.routes);
  const paths = [
    ...list(routes.rules).map((rule) => `${str(obj(rule).match)} → ${str(obj(rule).path)}`),
    ...(str(routes.default) ? [str(routes.default)] : []),
    ...(str(spec.route) ? [str(spec.route)] : []),
  ];
  return {
    name: nameOf(r),
    appIds: strings(r.scopes),
    pubsub: str(spec.pubsubname),
    topic: str(spec.topic),
    routes: paths,
    ...(str(spec.deadLetterTopic) && { deadLetterTopic: str(spec.deadLetterTopic) }),
  };
}

export function resiliencyView(r: DaprResource): ResiliencyView {
  const spec = obj(r.spec);
  const policies = obj(spec.policies);
  const targets = obj(spec.targets);
  return {
    name: nameOf(r),
    scopes: strings(r.scopes),
    policies: Object.entries(policies).flatMap(([kind, named]) => Object.keys(obj(named)).map((n) => `${kind}/${n}`)),
    targets: Object.entries(targets).flatMap(([kind, named]) => Object.keys(obj(named)).map((n) => `${kind}/${n}`)),
  };
}

const byName = <T extends { name: string }>(a: T, b: T): number => a.name.localeCompare(b.name);

/** Sorts resources into the page's sections by kind. */
export function resourceViews(resources: readonly DaprResource[]): {
  components: ComponentView[];
  configurations: ConfigurationView[];
  subscriptions: SubscriptionView[];
  resiliencies: ResiliencyView[];
} {
  const ofKind = (kind: string): DaprResource[] => resources.filter((r) => r.kind === kind);
  return {
    components: ofKind('Component').map(componentView).sort(byName),
    configurations: ofKind('Configuration').map(configurationView).sort(byName),
    subscriptions: ofKind('Subscription').map(subscriptionView).sort(byName),
    resiliencies: ofKind('Resiliency').map(resiliencyView).sort(byName),
  };
}
