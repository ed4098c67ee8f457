import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildWeb } from './build.ts';
import type { KubeReader } from './kube-client.ts';
import { KubeSource } from './kube-source.ts';
import { LocalSource } from './local-source.ts';
import type { DaprViewSource } from './model.ts';
import { maskedValue, redactItem } from './redact.ts';
import { startDashboard } from './server.ts';

// every value below is a secret: none may appear anywhere in the page's JSON
const secrets = {
  password: 'hunter2-plain-password',
  urlPassword: 'pw-inside-a-url',
  token: 'plain-token-value-123',
  accessKey: 'AKIA-plain-access-key',
  daprApiToken: 'dapr-api-token-of-the-sidecar',
  trustedEnv: 'env-token-from-a-pod-spec',
};

const component = {
  apiVersion: 'dapr.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'store' },
  spec: {
    type: 'state.postgresql',
    version: 'v1',
    metadata: [
      { name: 'connectionString', secretKeyRef: { name: 'db', key: 'url' } },
      { name: 'redisPassword', value: secrets.password },
      { name: 'url', value: `postgres://shop:${secrets.urlPassword}@db:5432/shop` },
      { name: 'apiToken', value: secrets.token },
      { name: 'accessKey', value: secrets.accessKey },
      { name: 'outboxPublishTopic', value: 'orders' },
    ],
  },
  scopes: ['orders'],
};

const toYaml = (value: unknown): string => JSON.stringify(value); // JSON is YAML

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function pageJson(source: DaprViewSource): Promise<string> {
  const assetsDir = await buildWeb(mkdtempSync(join(tmpdir(), 'dapr-view-assets-')));
  cleanups.push(() => rmSync(assetsDir, { recursive: true, force: true }));
  const dashboard = await startDashboard({ source, assetsDir, port: 0 });
  cleanups.push(() => dashboard.stop());
  const res = await fetch(`${dashboard.url}api/view`);
  expect(res.status).toBe(200);
  return res.text();
}

function expectNoSecret(json: string): void {
  for (const [name, value] of Object.entries(secrets)) expect(json, `${name} leaked`).not.toContain(value);
}

/** A stand-in for daprd's HTTP API that answers only with the right token, as daprd does. */
async function fakeSidecar(): Promise<number> {
  const server: Server = createServer((req, res) => {
    if (req.headers['dapr-api-token'] !== secrets.daprApiToken) return void res.writeHead(401).end();
    if (req.url === '/v1.0/healthz') return void res.writeHead(204).end();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: 'orders',
        runtimeVersion: '1.18.2',
        components: [{ name: 'store', type: 'state.postgresql' }],
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

describe('secret values never reach the page', () => {
  it('when a local component holds secrets and the sidecar needs a token, the JSON shows references and masks only', async () => {
    // GIVEN
    const dir = mkdtempSync(join(tmpdir(), 'dapr-view-components-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'resources'));
    mkdirSync(join(dir, 'config'));
    writeFileSync(join(dir, 'resources', 'store.yaml'), toYaml(component));
    const source = new LocalSource({
      sidecars: [{ appId: 'orders', httpPort: await fakeSidecar(), daprApiToken: secrets.daprApiToken }],
      componentsDir: dir,
      sentry: { healthzUrl: 'http://127.0.0.1:1/healthz', credentialsDir: join(dir, 'missing') },
    });

    // WHEN
    const json = await pageJson(source);

    // THEN
    expectNoSecret(json);
    const view = JSON.parse(json);
    expect(view.apps[0]).toMatchObject({ appId: 'orders', health: 'healthy', loadedComponents: ['store'] });
    expect(view.components[0].loadedBy).toEqual(['orders']);
    expect(view.components[0].metadata).toEqual([
      { name: 'connectionString', kind: 'secretRef', value: 'db/url' },
      { name: 'redisPassword', kind: 'masked', value: maskedValue },
      { name: 'url', kind: 'masked', value: maskedValue },
      { name: 'apiToken', kind: 'masked', value: maskedValue },
      { name: 'accessKey', kind: 'masked', value: maskedValue },
      { name: 'outboxPublishTopic', kind: 'value', value: 'orders' },
    ]);
  });

  it('when pods carry tokens in their spec and components hold secrets, the Kubernetes JSON has none of them', async () => {
    // GIVEN
    const pod = {
      metadata: { name: 'shop-orders-1', annotations: { 'dapr.io/enabled': 'true', 'dapr.io/app-id': 'orders' } },
      spec: {
        containers: [
          { name: 'orders', env: [{ name: 'APP_API_TOKEN', value: secrets.trustedEnv }] },
          { name: 'daprd', env: [{ name: 'DAPR_API_TOKEN', value: secrets.daprApiToken }] },
        ],
      },
      status: {
        containerStatuses: [
          { name: 'orders', ready: true },
          { name: 'daprd', ready: true },
        ],
      },
    };
    const deployment = {
      metadata: { name: 'shop-orders' },
      spec: { replicas: 1, template: { metadata: { annotations: pod.metadata.annotations } } },
    };
    const byPath: Record<string, unknown[]> = {
      '/api/v1/namespaces/shop/pods': [pod],
      '/apis/apps/v1/namespaces/shop/deployments': [deployment],
      '/apis/dapr.io/v1alpha1/namespaces/shop/components': [component],
    };
    const reader: KubeReader = { list: async (path) => byPath[path] ?? [] };

    // WHEN
    const json = await pageJson(new KubeSource({ reader, namespace: 'shop' }));

    // THEN
    expectNoSecret(json);
    expect(JSON.parse(json).apps).toEqual([
      expect.objectContaining({ appId: 'orders', health: 'healthy', desired: 1, ready: 1 }),
    ]);
  });

  it('keeps plain values whose names do not look secret', () => {
    expect(redactItem({ name: 'tableName', value: 'orders_state' })).toEqual({
      name: 'tableName',
      kind: 'value',
      value: 'orders_state',
    });
  });
});
