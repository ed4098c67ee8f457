// HTTPS at the kind ingress: the demo shop with spec.ingress.tls answers over TLS verified against the
// local CA that `npm run cluster` makes, every HTTPS answer (API, storefront, Dapr view and its login)
// carries HSTS, and its plain HTTP redirects to HTTPS. Turning TLS off again takes the TLS settings off the
// live Ingresses by itself (the operator's apply removes fields it stopped rendering), as the other
// cluster tests expect plain HTTP.
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterTools, kubectl } from '../../scripts/cluster/addons.ts';
import { ensureIngressCertificate, tlsSecret } from '../../scripts/cluster/ingress-tls.ts';
import { adminCredentials, applyShop, shopName, shopNamespace } from '../../scripts/cluster/up.ts';
import { eventually } from '../support/checkout.ts';
import { sharedCluster, sharedClusterHookTimeout } from '../support/cluster.ts';

const minutes = (n: number): number => n * 60_000;
const secretName = 'shop-ingress-tls';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

/** A request over HTTPS, trusting `ca` (else Node's CAs); rejects when verification fails. */
function httpsRequest(
  url: string,
  opts: { ca?: string; method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const { ca, method = 'GET', headers = {}, body } = opts;
    const req = request(url, { ...(ca && { ca }), method, headers, timeout: 10_000 }, (res) => {
      res.resume();
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.once('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.once('error', reject);
    req.end(body);
  });
}

const httpsGet = (url: string, ca?: string): Promise<Answer> => httpsRequest(url, { ca });
const traefikRouter = 'traefik.ingress.kubernetes.io/router.';
/** The shop's three Ingresses, each with its TLS settings and an HTTP twin. */
const components = ['gateway', 'storefront', 'dashboard'];
/** One path of each Ingress: the API, the storefront, the Dapr view's login. */
const probes = ['/api/v1/products?limit=1', '/', '/dapr/login'];

describe('TLS at the kind ingress', () => {
  let tools: ClusterTools;
  let ca: string;
  const patchTls = (tls: unknown) =>
    kubectl(tools, [
      '-n',
      shopNamespace,
      'patch',
      'shopstack',
      shopName,
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { ingress: { tls } } }),
    ]);

  beforeAll(async () => {
    tools = (await sharedCluster((line) => console.error(line))).tools;
    await applyShop(tools, (line) => console.error(line));
    const cert = await ensureIngressCertificate((line) => console.error(line));
    ca = readFileSync(cert.caFile, 'utf8');
    await kubectl(tools, ['apply', '-f', '-'], JSON.stringify(tlsSecret(secretName, shopNamespace, cert)));
    await patchTls({ secretName });
    // the operator renders the three Ingresses with their TLS settings and an HTTP twin of each that redirects
    await eventually(
      'the TLS Ingresses and their redirect twins',
      async () => {
        const names = (await kubectl(tools, ['-n', shopNamespace, 'get', 'ingress', '-o', 'name'])).split('\n');
        const secure = await kubectl(tools, [
          '-n',
          shopNamespace,
          'get',
          'ingress',
          '-o',
          `jsonpath={range .items[*]}{.metadata.annotations.traefik\\.ingress\\.kubernetes\\.io/router\\.middlewares}{"\\n"}{end}`,
        ]);
        const twins = components.every((c) => names.includes(`ingress.networking.k8s.io/${shopName}-${c}-http`));
        return twins && secure.split('\n').filter((m) => m === 'hsts@file').length === components.length
          ? true
          : undefined;
      },
      minutes(2),
    ).catch(async (err: unknown) => {
      // what the operator made of the spec, for the post-mortem
      const shop = await kubectl(tools, ['-n', shopNamespace, 'get', 'shopstack', shopName, '-o', 'json']);
      const { spec, status } = JSON.parse(shop) as { spec: { ingress: unknown }; status: unknown };
      console.error(JSON.stringify({ ingress: spec.ingress, status }, null, 1));
      console.error(
        await kubectl(tools, ['-n', 'shopstack-system', 'logs', 'deployment/shopstack-operator', '--tail=30']),
      );
      throw err;
    });
  }, sharedClusterHookTimeout);

  // a failed test leaves the shop on plain HTTP all the same (the last test checks that this suffices)
  afterAll(async () => {
    if (!tools) return;
    await patchTls(null);
    await kubectl(tools, ['-n', shopNamespace, 'delete', 'secret', secretName, '--ignore-not-found']);
  });

  it('answers the API over TLS verified against the local CA', async () => {
    const res = await eventually(
      'the API over HTTPS',
      async () => {
        const answer = await httpsGet('https://127.0.0.1/api/v1/products?limit=1', ca);
        return answer.status === 200 ? answer : undefined;
      },
      minutes(1),
    );
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('sets HSTS at the ingress on every HTTPS answer: API, storefront, Dapr view and its login', async () => {
    // GIVEN: Traefik loads Ingress changes in batches (a new configuration at most every 2 s): right after the
    // operator's applies, some of the three may still be served as before, over HTTPS but without HSTS.
    // Wait until it serves each with its TLS settings (its hsts middleware). The storefront's pod rolls
    // meanwhile (its cookies become Secure): its old pod must keep answering until Traefik has moved on.
    const began = Date.now();
    const firstLook = await Promise.all(probes.map((path) => httpsGet(`https://127.0.0.1${path}`, ca)));
    await eventually(
      'Traefik to serve each TLS Ingress with its hsts middleware',
      async () => {
        const looks = await Promise.all(probes.map((path) => httpsGet(`https://127.0.0.1${path}`, ca)));
        return looks.every((a) => a.headers['strict-transport-security']) ? true : undefined;
      },
      minutes(1),
    );
    console.error(
      `[ingress-tls] HSTS at first look: ${JSON.stringify(
        Object.fromEntries(probes.map((path, i) => [path, firstLook[i]?.headers['strict-transport-security'] ?? null])),
      )}; on every probe after ${Date.now() - began} ms`,
    );

    // and an admin's session on the Dapr view (its login form posts through the ingress)
    const { email, password } = await adminCredentials(tools);
    const login = await httpsRequest('https://127.0.0.1/dapr/login', {
      ca,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://127.0.0.1' },
      body: new URLSearchParams({ email, password }).toString(),
    });
    expect(login.status).toBe(303);
    const cookie = String(login.headers['set-cookie'] ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/=./);

    // WHEN
    const answers: Record<string, Answer> = {
      'POST /dapr/login': login,
      'GET /api/v1/products': await httpsGet('https://127.0.0.1/api/v1/products?limit=1', ca),
      'GET / (storefront)': await httpsGet('https://127.0.0.1/', ca),
      'GET /dapr/login': await httpsGet('https://127.0.0.1/dapr/login', ca),
      'GET /dapr/ without a session': await httpsGet('https://127.0.0.1/dapr/', ca),
      'GET /dapr/api/view without a session': await httpsGet('https://127.0.0.1/dapr/api/view', ca),
      'GET /dapr/ as admin': await httpsRequest('https://127.0.0.1/dapr/', { ca, headers: { cookie } }),
      'GET /dapr/api/view as admin': await httpsRequest('https://127.0.0.1/dapr/api/view', { ca, headers: { cookie } }),
    };
    const seen = Object.fromEntries(
      Object.entries(answers).map(([what, a]) => [what, `${a.status} ${a.headers['strict-transport-security']}`]),
    );
    console.error(`[ingress-tls] status and Strict-Transport-Security: ${JSON.stringify(seen, null, 1)}`);

    // THEN Traefik's header on each, which replaces any the app sends (the gateway's own has includeSubDomains)
    expect(seen).toEqual({
      'POST /dapr/login': '303 max-age=31536000',
      'GET /api/v1/products': '200 max-age=31536000',
      'GET / (storefront)': '200 max-age=31536000',
      'GET /dapr/login': '200 max-age=31536000',
      'GET /dapr/ without a session': '303 max-age=31536000',
      'GET /dapr/api/view without a session': '401 max-age=31536000',
      'GET /dapr/ as admin': '200 max-age=31536000',
      'GET /dapr/api/view as admin': '200 max-age=31536000',
    });
  });

  it('refuses the connection to a client that does not trust the local CA', async () => {
    await expect(httpsGet('https://127.0.0.1/api/v1/products?limit=1')).rejects.toThrow(/certificate/);
  });

  it('redirects plain HTTP to HTTPS: the API, the storefront and the Dapr view', async () => {
    const redirects = async () =>
      Promise.all(
        probes.map(async (path) => {
          const answer = await fetch(`http://127.0.0.1${path}`, { redirect: 'manual' });
          return { path, status: answer.status, location: answer.headers.get('location') };
        }),
      );
    // as above, Traefik may load the three twins in different batches
    await eventually(
      'every twin to redirect',
      async () => ((await redirects()).every((r) => r.status === 301) ? true : undefined),
      minutes(1),
    );
    expect(await redirects()).toEqual(
      probes.map((path) => ({ path, status: 301, location: `https://127.0.0.1${path}` })),
    );
  });

  it('turning TLS off takes the TLS settings off the live Ingresses by itself, and plain HTTP serves again', async () => {
    // WHEN
    await patchTls(null);

    // THEN the operator's next apply removes the annotations and tls it no longer renders (no re-creation)
    const ingresses = async () =>
      (
        JSON.parse(
          await kubectl(tools, [
            '-n',
            shopNamespace,
            'get',
            'ingress',
            '-l',
            `app.kubernetes.io/instance=${shopName}`,
            '-o',
            'json',
          ]),
        ) as {
          items: {
            metadata: { name: string; uid: string; annotations?: Record<string, string> };
            spec: { tls?: unknown };
          }[];
        }
      ).items;
    const before = await ingresses();
    const plain = await eventually(
      'Ingresses without TLS settings',
      async () => {
        const items = await ingresses();
        const tlsLeft = items.filter(
          (i) => i.spec.tls || Object.keys(i.metadata.annotations ?? {}).some((k) => k.startsWith(traefikRouter)),
        );
        return tlsLeft.length === 0 && !items.some((i) => i.metadata.name.endsWith('-http')) ? items : undefined;
      },
      minutes(2),
    );
    expect(plain.map((i) => i.metadata.name).sort()).toEqual(
      [`${shopName}-dashboard`, `${shopName}-gateway`, `${shopName}-storefront`].sort(),
    );
    // the same objects, changed in place
    const uid = (name: string, items: { metadata: { name: string; uid: string } }[]) =>
      items.find((i) => i.metadata.name === name)?.metadata.uid;
    for (const { metadata } of plain) expect(metadata.uid).toBe(uid(metadata.name, before));
    const api = await eventually(
      'plain HTTP to serve the API again',
      async () => {
        const answer = await fetch('http://127.0.0.1/api/v1/products?limit=1', { redirect: 'manual' });
        return answer.status === 200 ? answer : undefined;
      },
      minutes(1),
    );
    expect(api.headers.get('content-type')).toMatch(/^application\/json/);
  });
});
