import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SidecarClient } from './sidecar-client.ts';
import { SidecarError } from './sidecar-http.ts';
import { runInTraceContext, traceContextOf } from './trace-context.ts';

// A stand-in for daprd's HTTP API on 127.0.0.1: it records each request and answers as the test says.
interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

type Answer = (res: ServerResponse, seen: Seen) => void;
const noContent: Answer = (res) => res.writeHead(204).end();

let server: Server;
let port = 0;
let seen: Seen[] = [];
let answer: Answer = noContent;

const TOKEN = 'app-token-0123456789';
const client = (timeouts?: ConstructorParameters<typeof SidecarClient>[1]): SidecarClient =>
  new SidecarClient({ host: '127.0.0.1', httpPort: port, apiToken: TOKEN }, timeouts);
const last = (): Seen => seen.at(-1) as Seen;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: await text(req) };
    seen.push(request);
    answer(res, request);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterEach(() => {
  seen = [];
  answer = noContent;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('the sidecar client builds the paths of Dapr’s HTTP API', () => {
  it.each([
    [
      'invoke',
      (c: SidecarClient) => c.invoke('catalog', { method: 'GET', path: '/products?limit=1' }),
      'GET /v1.0/invoke/catalog/method/products?limit=1',
    ],
    [
      'state get (the key encoded)',
      (c: SidecarClient) => c.getState('statestore', 'cart/a b'),
      'GET /v1.0/state/statestore/cart%2Fa%20b',
    ],
    [
      'state save',
      (c: SidecarClient) => c.saveState('statestore', [{ key: 'k', value: 1 }]),
      'POST /v1.0/state/statestore',
    ],
    ['state delete', (c: SidecarClient) => c.deleteState('statestore', 'k'), 'DELETE /v1.0/state/statestore/k'],
    [
      'state transaction',
      (c: SidecarClient) => c.transactState('orderstore', { operations: [] }),
      'POST /v1.0/state/orderstore/transaction',
    ],
    [
      'state query (alpha)',
      (c: SidecarClient) => c.queryState('orderstore', { page: { limit: 1 } }),
      'POST /v1.0-alpha1/state/orderstore/query',
    ],
    ['publish', (c: SidecarClient) => c.publish('pubsub', 'orders', { id: 1 }), 'POST /v1.0/publish/pubsub/orders'],
    [
      'publish with metadata',
      (c: SidecarClient) => c.publish('pubsub', 'orders', {}, { metadata: { ttlInSeconds: '60' } }),
      'POST /v1.0/publish/pubsub/orders?metadata.ttlInSeconds=60',
    ],
    ['healthz', (c: SidecarClient) => c.healthz(), 'GET /v1.0/healthz'],
  ] as const)('%s', async (_name, call, expected) => {
    await call(client());
    expect(`${last().method} ${last().url}`).toBe(expected);
  });

  it('names the URL of an invocation for tools that drive the sidecar themselves', () => {
    expect(client().invokeUrl('catalog', 'products/1')).toBe(
      `http://127.0.0.1:${port}/v1.0/invoke/catalog/method/products/1`,
    );
  });
});

describe('the headers of a call', () => {
  it('carry the app token on every call, and a caller cannot replace it', async () => {
    await client().invoke('cart', { method: 'GET', path: 'cart', headers: { 'dapr-api-token': 'forged', 'x-a': '1' } });
    expect(last().headers['dapr-api-token']).toBe(TOKEN);
    expect(last().headers['x-a']).toBe('1');
  });

  it('send a body as JSON, and a publish of a whole CloudEvent with its own type', async () => {
    await client().invoke('orders', { method: 'POST', path: 'orders', body: { items: [] } });
    expect(last().headers['content-type']).toBe('application/json');
    expect(JSON.parse(last().body)).toEqual({ items: [] });

    await client().publish('pubsub', 'orders', { id: 'e1' }, { contentType: 'application/cloudevents+json' });
    expect(last().headers['content-type']).toBe('application/cloudevents+json');
  });

  it('forward the traceparent of the request being served, and none outside a request', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await runInTraceContext(traceContextOf(traceparent), () => client().healthz());
    expect(last().headers.traceparent).toBe(traceparent);

    await client().healthz();
    expect(last().headers.traceparent).toBeUndefined();
  });

  it('leave the token out when the sidecar needs none', async () => {
    await new SidecarClient({ host: '127.0.0.1', httpPort: port, apiToken: '' }).healthz();
    expect(last().headers).not.toHaveProperty('dapr-api-token');
  });
});

describe('answers', () => {
  it('come back whatever their status, with their headers', async () => {
    answer = (res) => res.writeHead(412, { etag: '"7"', 'content-type': 'text/plain' }).end('etag mismatch');
    const res = await client().invoke('cart', { method: 'PUT', path: 'cart', body: {} });
    expect(res).toMatchObject({ status: 412, body: 'etag mismatch' });
    expect(res.headers.get('ETag')).toBe('"7"');
  });

  it("healthz rejects when the sidecar is not healthy; metadata parses daprd's answer", async () => {
    answer = (res) => res.writeHead(500).end();
    await expect(client().healthz()).rejects.toThrow("the sidecar's healthz answered 500");

    answer = (res) =>
      res.writeHead(200).end(JSON.stringify({ id: 'orders', components: [{ name: 'pubsub', type: 'pubsub.redis' }] }));
    expect(await client().metadata()).toMatchObject({ id: 'orders', components: [{ name: 'pubsub' }] });
    expect(`${last().method} ${last().url}`).toBe('GET /v1.0/metadata');
  });

  it('a publish the sidecar refuses is a 503', async () => {
    answer = (res) => res.writeHead(404).end('ERR_PUBSUB_NOT_FOUND');
    await expect(client().publish('nope', 'orders', {})).rejects.toMatchObject({ status: 503 });
  });
});

describe('time limits', () => {
  const silent: Answer = () => undefined; // never answers

  it('a silent sidecar fails the call with an error naming its method and path, never the token', async () => {
    answer = silent;
    const started = Date.now();
    const err: unknown = await client({ callMs: 200 })
      .transactState('orderstore', { operations: [] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SidecarError);
    expect(err).toMatchObject({ timedOut: true, call: 'POST /v1.0/state/orderstore/transaction' });
    expect((err as Error).message).toBe(
      'the sidecar did not answer POST /v1.0/state/orderstore/transaction within 0.2 s',
    );
    expect((err as Error).message).not.toContain(TOKEN);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('an invocation has its own limit, and a request may set a shorter one', async () => {
    answer = silent;
    const slowInvoke = client({ callMs: 10_000, invokeMs: 200 });
    await expect(slowInvoke.invoke('catalog', { method: 'GET', path: 'products' })).rejects.toMatchObject({
      timedOut: true,
    });
    const shortCall = client({ invokeMs: 10_000 }).invoke('identity', { method: 'GET', path: 'jwks', timeoutMs: 200 });
    await expect(shortCall).rejects.toThrow('within 0.2 s');
  });

  it('a sidecar that cannot be reached fails the call naming it', async () => {
    const gone = new SidecarClient({ host: '127.0.0.1', httpPort: 1, apiToken: TOKEN });
    await expect(gone.healthz()).rejects.toMatchObject({
      timedOut: false,
      message: expect.stringMatching(/^the sidecar call GET \/v1\.0\/healthz failed: /),
    });
  });

  it('a streamed invocation waits for its headers only: its body may stay silent for longer', async () => {
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' }).write(': open\n\n');
      setTimeout(() => res.end('data: late\n\n'), 1_500); // beyond the limit and undici's coarse timers
    };
    const stream = await client({ invokeMs: 200 }).invokeStream(
      'notifications',
      { method: 'GET', path: 'notifications/stream', headers: { accept: 'text/event-stream' } },
      new AbortController().signal,
    );
    expect(stream.status).toBe(200);
    expect(await text(stream.body)).toBe(': open\n\ndata: late\n\n');
    expect(last().url).toBe('/v1.0/invoke/notifications/method/notifications/stream');
  });

  it('a streamed invocation whose headers do not come fails, and its signal ends it', async () => {
    answer = silent;
    const call = client({ invokeMs: 200 }).invokeStream(
      'notifications',
      { method: 'GET', path: 'stream' },
      new AbortController().signal,
    );
    await expect(call).rejects.toMatchObject({ timedOut: true, call: 'GET /v1.0/invoke/notifications/method/stream' });

    answer = (res) => res.writeHead(200).write(': open\n\n');
    const abort = new AbortController();
    const stream = await client().invokeStream('notifications', { method: 'GET', path: 'stream' }, abort.signal);
    abort.abort();
    await expect(text(stream.body)).rejects.toThrow();
  });
});
