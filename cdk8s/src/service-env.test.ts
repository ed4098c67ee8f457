import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { configKeys, manifests, serviceNames } from '../../services/manifests.ts';
import { ShopStack } from './shopstack.ts';
import type { ShopStackSpecInput } from './spec.ts';
import { countingRandom } from './testing/fixtures.ts';

// synthesized objects are untyped JSON
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Manifest = Record<string, any>;

/** What the kubelet would see: Secret values stand in for the referenced keys. */
function secretValue(key: string): string {
  if (key.endsWith('-url')) return `postgres://${key.slice(0, -4)}:secret@demo-postgres:5432/${key.slice(0, -4)}`;
  if (key === 'email') return 'admin@example.com';
  return `${key}-0123456789abcdef0123456789abcdef`;
}

/** The environment a service's container starts with: ConfigMap, env (Secrets resolved, $(VAR) expanded), and daprd's. */
function containerEnv(objects: Manifest[], service: string): Record<string, string> {
  const find = (kind: string, name: string): Manifest => {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) throw new Error(`no ${kind} ${name}`);
    return found;
  };
  const container = find('Deployment', `demo-${service}`).spec.template.spec.containers[0];
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) Object.assign(env, find('ConfigMap', from.configMapRef.name).data);
  for (const item of container.env ?? []) {
    env[item.name] = item.valueFrom
      ? secretValue(item.valueFrom.secretKeyRef.key)
      : item.value.replace(/\$\(([A-Z_]+)\)/g, (_: string, name: string) => env[name] ?? '');
  }
  // the Dapr injector adds these to every app container
  return { DAPR_HTTP_PORT: '3500', DAPR_GRPC_PORT: '50001', ...env };
}

function render(spec: Partial<ShopStackSpecInput> = {}): Manifest[] {
  const chart = Testing.chart();
  new ShopStack(chart, 'demo', { spec: { version: '1.2.3', ...spec }, namespace: 'shop', random: countingRandom() });
  return Testing.synth(chart);
}

// read by the runtime around the service (Node, the logger, OpenTelemetry), not by its config schema
const platformEnv = /^(NODE_ENV|NODE_OPTIONS|LOG_LEVEL|OTEL_[A-Z_]+|DAPR_HTTP_PORT|DAPR_GRPC_PORT|REDIS_PASSWORD)$/;

describe('each service starts with the environment the ShopStack renders for it', () => {
  const specs: Record<string, Partial<ShopStackSpecInput>> = {
    'managed data stores, an admin and the demo catalog': {
      admin: { secretRef: { name: 'shop-admin' } },
      demoCatalog: true,
    },
    'an external database and Redis': {
      database: { mode: 'external', external: { secretRef: { name: 'shop-db' } } },
      redis: { mode: 'external', external: { address: 'redis.infra:6380' } },
    },
  };
  for (const [title, spec] of Object.entries(specs)) {
    it.each(serviceNames)(`with ${title}, %s's own config schema accepts it`, (service) => {
      // GIVEN
      const objects = render(spec);
      const { config, listen } = manifests[service];

      // WHEN
      const env = containerEnv(objects, service);
      const parsed = config.safeParse(env);

      // THEN
      expect(parsed.error?.issues ?? []).toEqual([]);
      const settings = parsed.data as Record<string, unknown>;
      expect(settings[listen.hostEnv]).toBe('0.0.0.0');
      expect(settings[listen.portEnv]).toBe(8080);
      const unread = Object.keys(env).filter((name) => !platformEnv.test(name) && !configKeys(service).includes(name));
      expect(unread, `${service} is given settings it never reads`).toEqual([]);
    });
  }

  it('names the admin only to identity, turns on the demo catalog only in catalog, trusts the ingress only in the gateway', () => {
    const objects = render({ admin: { secretRef: { name: 'shop-admin' } }, demoCatalog: true });
    for (const service of serviceNames) {
      const env = containerEnv(objects, service);
      expect('SHOPSTACK_ADMIN_EMAIL' in env).toBe(service === 'identity');
      expect('SEED_DEMO' in env).toBe(service === 'catalog');
      expect('TRUST_PROXY' in env).toBe(service === 'gateway');
    }
    expect(containerEnv(objects, 'catalog').SEED_DEMO).toBe('true');
    expect(containerEnv(objects, 'gateway').TRUST_PROXY).toBe('loopback, uniquelocal');
    expect(containerEnv(objects, 'identity')).toMatchObject({
      SHOPSTACK_ADMIN_EMAIL: 'admin@example.com',
      SHOPSTACK_ADMIN_PASSWORD: 'password-0123456789abcdef0123456789abcdef',
    });
    expect('SHOPSTACK_ADMIN_EMAIL' in containerEnv(render(), 'identity')).toBe(false);
  });

  it.each(serviceNames)("names in %s's manifest only environment variables its config schema reads", (service) => {
    // GIVEN
    const { listen, storage, demoSeedEnv, trustProxyEnv, adminEnv } = manifests[service];

    // WHEN
    const named = [
      listen.portEnv,
      listen.hostEnv,
      ...(storage?.kind === 'state' ? [storage.storeEnv] : []),
      ...(demoSeedEnv ? [demoSeedEnv] : []),
      ...(trustProxyEnv ? [trustProxyEnv] : []),
      ...(adminEnv ? [adminEnv.email, adminEnv.password] : []),
    ];

    // THEN
    expect(named.filter((name) => !configKeys(service).includes(name))).toEqual([]);
  });

  it("runs each service with the Node flags of its manifest: the gateway's larger young generation, 2 MiB elsewhere", () => {
    const objects = render();
    for (const service of serviceNames) {
      const semiSpace = service === 'gateway' ? 16 : 2;
      expect(containerEnv(objects, service).NODE_OPTIONS, service).toBe(`--max-semi-space-size=${semiSpace}`);
    }
  });

  it('points each state-backed service at the store its sidecar is given', () => {
    const objects = render();
    for (const service of serviceNames) {
      const { storage } = manifests[service];
      if (storage?.kind !== 'state') continue;
      const store = containerEnv(objects, service)[storage.storeEnv];
      const component = objects.find((o) => o.kind === 'Component' && o.metadata.name === store);
      expect(component?.scopes, `${service}'s ${storage.storeEnv}`).toContain(service);
    }
  });

  it('admits between every service and each app its config names (<APP>_APP_ID) one way or the other', () => {
    const callers = (service: string) => manifests[service as keyof typeof manifests].callers.map((c) => c.appId);
    for (const service of serviceNames) {
      const peers = configKeys(service)
        .filter((key) => key.endsWith('_APP_ID'))
        .map((key) => (key === 'APP_ID' ? service : key.slice(0, -'_APP_ID'.length).toLowerCase()));
      for (const peer of peers) {
        // it calls the peer (gateway → catalog), or it checks that a call came from the peer (inventory ← orders)
        const admitted = callers(peer).includes(service) || callers(service).includes(peer);
        expect(admitted, `${service} names ${peer} but neither may call the other`).toBe(true);
      }
    }
  });
});
