// The shop's NetworkPolicies, enforced on the kind cluster (kube-router's firewall there, or kindnetd):
// who cannot get in, each path its own assertion, and that what the design allows still works. Every
// denied path is first shown open from the node (whose traffic policies let through, as kubelet's
// probes need): a refusal then comes from the policy, not from a port nobody listens on. daprd's own
// API ports listen on the pod's loopback only: those are closed from the node as well.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterTools, kubectl } from '../../scripts/cluster/addons.ts';
import { imageNames } from '../../scripts/cluster/images.ts';
import { adminCredentials, applyShop, ingressUrl, shopNamespace } from '../../scripts/cluster/up.ts';
import { serviceNames } from '../../services/manifests.ts';
import { checkoutClient, eventually } from '../support/checkout.ts';
import { appPods, sharedCluster, sharedClusterHookTimeout } from '../support/cluster.ts';

const minutes = (n: number): number => n * 60_000;
/** Ports of every shop pod that runs a service: the app, then daprd's HTTP, gRPC, internal gRPC and metrics. */
const appPorts = { app: 8080, 'daprd-http': 3500, 'daprd-grpc': 50001, 'daprd-internal': 50002, 'daprd-metrics': 9090 };
/**
 * daprd's own API (HTTP and gRPC) listens on the pod's loopback only (Dapr's injector default): closed
 * from the node too, so for these the policy is a second wall, not the first.
 */
const loopbackOnly = new Set<number>([appPorts['daprd-http'], appPorts['daprd-grpc']]);
const probeNamespace = `netpol-probe-${randomUUID().slice(0, 8)}`;
const listenerPort = 9999;
const connectTimeoutMs = 2_000;
/** Every port of the shop that only its own callers may reach: the data stores, each app and its sidecar. */
const guarded = [
  { path: 'postgres:5432', component: 'postgres', port: 5432 },
  { path: 'redis:6379', component: 'redis', port: 6379 },
  ...serviceNames.flatMap((service) =>
    Object.entries(appPorts).map(([what, port]) => ({ path: `${service} ${what}:${port}`, component: service, port })),
  ),
];

/** Connects to every `host:port` at once (argv: JSON list), prints {target: open|refused|timeout|<code>}. */
const probeScript = `
const net = require('node:net');
const targets = JSON.parse(process.argv.at(-1));
const one = (t) => new Promise((done) => {
  const [host, port] = t.split(':');
  const s = net.connect({ host, port: Number(port) });
  const end = (r) => { s.destroy(); done([t, r]); };
  s.setTimeout(${connectTimeoutMs}, () => end('timeout'));
  s.once('connect', () => end('open'));
  s.once('error', (e) => end(e.code === 'ECONNREFUSED' ? 'refused' : e.code));
});
Promise.all(targets.map(one)).then((r) => console.log(JSON.stringify(Object.fromEntries(r))));
`;

interface Pod {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string };
  status: { phase: string; podIP?: string };
}

describe('NetworkPolicies enforced on kind', () => {
  let tools: ClusterTools;
  /** Pod IP of each shop component (the services, postgres, redis, dashboard). */
  const ips: Record<string, string> = {};
  const podNames: Record<string, string> = {};
  /** host:port of 10 Service IPs no Service holds. */
  let noService: string[];

  const run = (args: string[], stdin = '') => kubectl(tools, args, stdin);
  // a second Node process in a running container: a small heap, so that it fits beside the app under the
  // container's memory limit (the Dapr view's is 128Mi; an OOM kill ends the exec with code 137)
  const probe = async (namespace: string, pod: string, container: string, targets: string[]) => {
    const node = ['node', '--max-semi-space-size=1', '--max-old-space-size=32', '-e', probeScript];
    const args = ['-n', namespace, 'exec', pod, '-c', container, '--', ...node, JSON.stringify(targets)];
    const out = await run(args).catch((err: Error) => {
      throw new Error(`probe from ${namespace}/${pod}: ${err.message}`);
    });
    return JSON.parse(out) as Record<string, string>;
  };

  /** A pod running the shop's Node image (already in the node: nothing is pulled). */
  const nodePod = (
    name: string,
    opts: { hostNetwork?: boolean; labels?: Record<string, string>; namespace: string },
  ) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: opts.namespace,
      labels: { 'app.kubernetes.io/part-of': 'netpol-test', ...opts.labels },
    },
    spec: {
      hostNetwork: opts.hostNetwork ?? false,
      terminationGracePeriodSeconds: 0,
      securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'probe',
          image: imageNames().services.catalog,
          imagePullPolicy: 'IfNotPresent',
          // a listener that a shop pod must not reach (another namespace); the probes run through kubectl exec
          // a prober hangs up at once (a reset): the listener must not die of it, or its restart kills an exec
          command: [
            'node',
            '-e',
            `require('node:net').createServer((s) => s.on('error', () => {}).end('hi')).listen(${listenerPort})`,
          ],
          // the listener and, through kubectl exec, the probe: two Node processes
          resources: { requests: { cpu: '5m', memory: '32Mi' }, limits: { memory: '256Mi' } },
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          },
        },
      ],
    },
  });

  const target = (component: string, port: number): string => `${ips[component]}:${port}`;
  let fromNode: Record<string, string>;
  let fromOutside: Record<string, string>;
  let fromDashboard: Record<string, string>;
  let fromGateway: Record<string, string>;

  beforeAll(async () => {
    tools = (await sharedCluster((line) => console.error(line))).tools;
    await applyShop(tools, (line) => console.error(line));
    // pods started before the policies keep their open connections: replace the apps' pods (all at once:
    // a surge of eight would not fit the node), so that every sidecar starts under them (Sentry, Dapr's
    // operator, the API server, the data stores, DNS)
    const began = Date.now();
    await run(['-n', shopNamespace, 'delete', 'pods', '-l', 'app.kubernetes.io/component=app', '--wait=true']);
    await eventually(
      'every app back, Ready with its sidecar',
      async () => {
        const all = await appPods<Pod & { status: { containerStatuses?: { ready: boolean }[] } }>(tools);
        const ready = all.filter(
          (p) =>
            !p.metadata.deletionTimestamp &&
            p.status.containerStatuses?.length === 2 &&
            p.status.containerStatuses.every((c) => c.ready),
        );
        const names = new Set(ready.map((p) => p.metadata.labels?.['app.kubernetes.io/name']));
        return serviceNames.every((service) => names.has(service)) ? true : undefined;
      },
      minutes(10),
    );
    console.error(`every app restarted under the policies in ${((Date.now() - began) / 1000).toFixed(0)}s`);
    const pods = JSON.parse(await run(['-n', shopNamespace, 'get', 'pods', '-o', 'json'])).items as Pod[];
    for (const pod of pods.filter(
      (p) => p.status.phase === 'Running' && p.status.podIP && !p.metadata.deletionTimestamp,
    )) {
      const name = pod.metadata.labels?.['app.kubernetes.io/name'];
      if (name && !ips[name]) {
        ips[name] = pod.status.podIP as string;
        podNames[name] = pod.metadata.name;
      }
    }
    await run(['create', 'namespace', probeNamespace]);
    await run(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          nodePod('outside', { namespace: probeNamespace }),
          nodePod('on-node', { namespace: probeNamespace, hostNetwork: true }),
          nodePod(`scraper-${probeNamespace}`, {
            namespace: shopNamespace,
            labels: { 'shopstack.dev/scraper': 'true' },
          }),
        ],
      }),
    );
    await run(['-n', probeNamespace, 'wait', '--for=condition=Ready', 'pod/outside', 'pod/on-node', '--timeout=120s']);
    await run([
      '-n',
      shopNamespace,
      'wait',
      '--for=condition=Ready',
      `pod/scraper-${probeNamespace}`,
      '--timeout=120s',
    ]);
    const outsideIp = await run(['-n', probeNamespace, 'get', 'pod', 'outside', '-o', 'jsonpath={.status.podIP}']);
    ips.outside = outsideIp.trim();

    // Service IPs that no Service holds: kube-proxy translates nothing for them. Ten at once, among the other
    // probes: more refusals than the kernel's ICMP rate limit lets through to one pod in a second
    const held = new Set(
      (await run(['get', 'services', '-A', '-o', 'jsonpath={.items[*].spec.clusterIP}'])).trim().split(/\s+/),
    );
    noService = Array.from({ length: 50 }, (_, i) => `10.96.255.${200 + i}`)
      .filter((ip) => !held.has(ip))
      .slice(0, 10)
      .map((ip) => `${ip}:80`);

    const probesBegan = Date.now();
    const targets = guarded.map((g) => target(g.component, g.port));
    const other = [
      `${ips.outside}:${listenerPort}`,
      '169.254.169.254:80',
      target('gateway', 8080),
      target('catalog', 50002),
      target('redis', 6379),
    ];
    [fromNode, fromOutside, fromDashboard, fromGateway] = await Promise.all([
      probe(probeNamespace, 'on-node', 'probe', [...targets, `${ips.outside}:${listenerPort}`, ...noService]),
      probe(probeNamespace, 'outside', 'probe', [...targets, ...noService]),
      probe(shopNamespace, podNames.dashboard as string, 'dashboard', [...targets, ...other]),
      probe(shopNamespace, podNames.gateway as string, 'gateway', [...targets, ...other]),
    ]);
    console.error(`network probes: ${((Date.now() - probesBegan) / 1000).toFixed(1)}s`);
    console.error(JSON.stringify({ fromNode, fromOutside, fromDashboard, fromGateway }, null, 1));
  }, sharedClusterHookTimeout);

  afterAll(async () => {
    if (!tools) return;
    await run(['delete', 'namespace', probeNamespace, '--wait=false']).catch(() => '');
    await run(['-n', shopNamespace, 'delete', 'pod', `scraper-${probeNamespace}`, '--wait=false']).catch(() => '');
  });

  const blocked = ['refused', 'timeout'];
  /** The guarded paths but `except`, each with its result from the node and from `results`' pod. */
  const denied = (results: () => Record<string, string>, except: string[] = []) =>
    guarded
      .filter((g) => !except.includes(g.path))
      .map((g) => {
        const result = () => ({
          node: fromNode[target(g.component, g.port)],
          here: results()[target(g.component, g.port)],
        });
        const node = serviceNames.includes(g.component as never) && loopbackOnly.has(g.port) ? 'refused' : 'open';
        return [g.path, result, node] as const;
      });

  describe('from a pod in another namespace', () => {
    for (const [path, result, node] of denied(() => fromOutside, ['gateway app:8080'])) {
      it(`cannot reach ${path}`, () => {
        expect(result()).toEqual({ node, here: expect.toBeOneOf(blocked) });
      });
    }
    it('reaches the gateway, the public edge', () => {
      expect(fromOutside[target('gateway', 8080)]).toBe('open');
    });
  });

  describe('from the Dapr view, a shop pod without a sidecar', () => {
    for (const [path, result, node] of denied(() => fromDashboard, ['gateway app:8080'])) {
      it(`cannot reach ${path}`, () => {
        expect(result()).toEqual({ node, here: expect.toBeOneOf(blocked) });
      });
    }
    it('cannot reach a pod of another namespace', () => {
      expect(fromNode[`${ips.outside}:${listenerPort}`]).toBe('open');
      expect(fromDashboard[`${ips.outside}:${listenerPort}`]).toBeOneOf(blocked);
    });
    it('cannot reach the cloud metadata address', () => {
      expect(fromDashboard['169.254.169.254:80']).toBeOneOf(blocked);
    });
    it('reaches the gateway, to check logins', () => {
      expect(fromDashboard[target('gateway', 8080)]).toBe('open');
    });
  });

  describe('from the gateway, a shop pod with a sidecar', () => {
    // its own ports are its own; Redis and the other sidecars' internal port are its to reach
    const own = Object.keys(appPorts).map((what) => `gateway ${what}:${appPorts[what as keyof typeof appPorts]}`);
    const mesh = serviceNames.map((service) => `${service} daprd-internal:50002`);
    for (const [path, result, node] of denied(() => fromGateway, [...own, ...mesh, 'redis:6379'])) {
      it(`cannot reach ${path}`, () => {
        expect(result()).toEqual({ node, here: expect.toBeOneOf(blocked) });
      });
    }
    it('cannot reach a pod of another namespace, nor the cloud metadata address', () => {
      expect(fromGateway[`${ips.outside}:${listenerPort}`]).toBeOneOf(blocked);
      expect(fromGateway['169.254.169.254:80']).toBeOneOf(blocked);
    });
    it("reaches Redis and the catalog's sidecar", () => {
      expect(fromGateway[target('redis', 6379)]).toBe('open');
      expect(fromGateway[target('catalog', 50002)]).toBe('open');
    });
    it('resolves names through the cluster DNS', async () => {
      const script =
        "require('node:dns').promises.lookup('kubernetes.default.svc.cluster.local').then((a) => console.log(a.address))";
      const address = await run([
        '-n',
        shopNamespace,
        'exec',
        podNames.gateway as string,
        '-c',
        'gateway',
        '--',
        'node',
        '-e',
        script,
      ]);
      expect(address.trim()).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    });
  });

  it('refuses on the node every connection to a Service IP that no Service holds, which would leave the machine', () => {
    // without the node's table (scripts/cluster/node-egress.ts) such a connection from the node or a pod
    // went out through the node's uplink, and a host beyond the machine answered it; refused by an ICMP
    // error, most of a burst timed out instead (the kernel's rate limit), so the table answers TCP with a reset
    expect(noService).toHaveLength(10);
    const results = (from: Record<string, string>) => noService.map((t) => `${t} ${from[t]}`);
    expect({ node: results(fromNode), pod: results(fromOutside) }).toEqual({
      node: noService.map((t) => `${t} refused`),
      pod: noService.map((t) => `${t} refused`),
    });
  });

  it('still serves the API through the ingress: gateway to catalog through the sidecars', async () => {
    const api = checkoutClient({ gatewayUrl: ingressUrl }, await adminCredentials(tools));
    const products = await api.products(1);
    expect(products.length).toBe(1);
  });

  it(
    "lets a labelled scraper of the shop's namespace read the metrics of an app and its sidecar",
    async () => {
      const scraper = `scraper-${probeNamespace}`;
      await run(['-n', shopNamespace, 'wait', '--for=condition=Ready', `pod/${scraper}`, '--timeout=120s']);
      const wanted = [target('catalog', 8080), target('catalog', 9090)];
      // kube-router adds a new pod to its ipsets at its next sync, a few seconds after the pod starts
      const reached = await eventually(
        'the scraper to be let in',
        async () => {
          const results = await probe(shopNamespace, scraper, 'probe', wanted);
          return wanted.every((t) => results[t] === 'open') ? results : undefined;
        },
        60_000,
      );
      expect(Object.values(reached)).toEqual(['open', 'open']);
    },
    minutes(2),
  );
});
