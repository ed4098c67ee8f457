import { Construct } from 'constructs';
import { AppIdentity } from './app-identity.ts';
import { AppService } from './app-service.ts';
import type { ShopContext } from './context.ts';
import { DaprComponents } from './dapr-components.ts';
import { DaprDashboard } from './dashboard.ts';
import { Storefront } from './storefront.ts';
import { DaprResiliency } from './dapr-resiliency.ts';
import { DaprSubscriptions } from './dapr-subscriptions.ts';
import { GatewayIngress } from './gateway-ingress.ts';
import { eventConsumers, KedaRedisAccess } from './keda.ts';
import { NetworkPolicies } from './network-policies.ts';
import { type MetricsObserver, MetricsObserverAccess } from './metrics-observer.ts';
import { parseSpec } from './parse.ts';
import { ManagedPostgres } from './postgres.ts';
import { ManagedRedis } from './redis.ts';
import { cryptoRandom, GeneratedSecret, type RandomSource, secretNames } from './secrets.ts';
import { type ShopStackSpec, type ShopStackSpecInput, serviceNames } from './spec.ts';

export interface ShopStackProps {
  /** What the shop should run; defaults are filled in here exactly as the API server fills them in. */
  readonly spec: ShopStackSpecInput;
  /** Prefix of every object name and the app.kubernetes.io/instance label. @default the construct id */
  readonly name?: string;
  /** Namespace of every object; Dapr access policies name it too. @default 'default' */
  readonly namespace?: string;
  /** Value of the app.kubernetes.io/managed-by label. @default 'cdk8s' */
  readonly managedBy?: string;
  /** Source of generated passwords, tokens and keys. @default cryptographic randomness */
  readonly random?: RandomSource;
  /** Who may read the services' /metrics from another namespace (the operator). @default none */
  readonly observer?: MetricsObserver;
  /** KEDA's CRDs are installed: event consumers with autoscaling get a ScaledObject. @default false */
  readonly keda?: boolean;
}

// the longest suffix (`-identity-signing-key`, 21 characters) must still fit a 63-character name
const namePattern = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;

/** Every Kubernetes object one shop needs: services, data stores, Dapr wiring, edge and policies. */
export class ShopStack extends Construct {
  readonly spec: ShopStackSpec;

  constructor(scope: Construct, id: string, props: ShopStackProps) {
    super(scope, id);
    const name = props.name ?? id;
    if (!namePattern.test(name)) {
      throw new Error(`ShopStack name "${name}" must be a DNS label of at most 40 characters starting with a letter`);
    }
    this.spec = parseSpec(props.spec);
    const random = props.random ?? cryptoRandom;
    const ctx: ShopContext = {
      name,
      namespace: props.namespace ?? 'default',
      spec: this.spec,
      managedBy: props.managedBy ?? 'cdk8s',
    };

    const identity = new AppIdentity(this, 'Identity', { ctx });
    for (const service of serviceNames) {
      new AppService(this, service, {
        ctx,
        service,
        serviceAccountName: identity.serviceAccountName,
        keda: props.keda ?? false,
      });
    }
    new GeneratedSecret(this, 'DaprApiToken', {
      ctx,
      name: secretNames.daprApiToken(ctx),
      component: 'dapr',
      data: { token: random.token(32) },
    });
    new GeneratedSecret(this, 'AppApiToken', {
      ctx,
      name: secretNames.appApiToken(ctx),
      component: 'dapr',
      data: { token: random.token(32) },
    });
    if (this.spec.database.mode === 'managed') new ManagedPostgres(this, 'Postgres', { ctx, random });
    if (this.spec.redis.mode === 'managed') new ManagedRedis(this, 'Redis', { ctx, random });
    new DaprComponents(this, 'Components', { ctx });
    new DaprResiliency(this, 'Resiliency', { ctx });
    new DaprSubscriptions(this, 'Subscriptions', { ctx });
    if (this.spec.ingress.enabled) new GatewayIngress(this, 'Ingress', { ctx });
    new NetworkPolicies(this, 'NetworkPolicies', { ctx });
    const kedaScaled = eventConsumers.some((name) => this.spec.services[name].autoscaling);
    if (props.keda && kedaScaled && this.spec.redis.mode === 'managed') new KedaRedisAccess(this, 'KedaRedis', { ctx });
    if (props.observer) new MetricsObserverAccess(this, 'MetricsObserver', { ctx, observer: props.observer });
    if (this.spec.dashboard.enabled) new DaprDashboard(this, 'Dashboard', { ctx });
    if (this.spec.storefront.enabled) new Storefront(this, 'Storefront', { ctx });
  }
}
