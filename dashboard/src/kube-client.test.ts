import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inClusterNamespace, inClusterReader } from './kube-client.ts';

describe('inClusterReader', () => {
  let dir: string;
  let server: Server;
  const seen: { path?: string; authorization?: string }[] = [];
  const env = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };

  beforeAll(async () => {
    // GIVEN a service account directory and an HTTPS API whose certificate that CA vouches for
    dir = mkdtempSync(join(tmpdir(), 'dapr-view-sa-'));
    // prettier-ignore
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=kubernetes', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(dir, 'tls.key'), '-out', join(dir, 'ca.crt'),
    ], { stdio: 'ignore' });
    writeFileSync(join(dir, 'token'), 'sa-token\n');
    writeFileSync(join(dir, 'namespace'), 'shop');
    server = createServer(
      { key: readFileSync(join(dir, 'tls.key')), cert: readFileSync(join(dir, 'ca.crt')) },
      (req, res) => {
        seen.push({ path: req.url, authorization: req.headers.authorization });
        if (req.url?.includes('forbidden')) return void res.writeHead(403).end('{"reason":"Forbidden"}');
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"kind":"PodList","items":[{"a":1}]}');
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.env.KUBERNETES_SERVICE_HOST = '127.0.0.1';
    process.env.KUBERNETES_SERVICE_PORT = String((server.address() as AddressInfo).port);
  });

  afterAll(async () => {
    process.env.KUBERNETES_SERVICE_HOST = env.host;
    process.env.KUBERNETES_SERVICE_PORT = env.port;
    if (env.host === undefined) delete process.env.KUBERNETES_SERVICE_HOST;
    if (env.port === undefined) delete process.env.KUBERNETES_SERVICE_PORT;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists with the service account's token over TLS verified against the cluster CA", async () => {
    // WHEN
    const items = await inClusterReader(dir).list('/api/v1/namespaces/shop/pods');

    // THEN
    expect(items).toEqual([{ a: 1 }]);
    expect(seen.at(-1)).toEqual({ path: '/api/v1/namespaces/shop/pods', authorization: 'Bearer sa-token' });
    expect(inClusterNamespace(dir)).toBe('shop');
  });

  it('when the API refuses, the error names the path and the status', async () => {
    await expect(inClusterReader(dir).list('/forbidden/pods')).rejects.toThrow(/GET \/forbidden\/pods: 403/);
  });
});
