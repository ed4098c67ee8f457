import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SidecarClient } from './sidecar-client.ts';
import { createStateStore, type StateStore } from './state.ts';

// A stand-in for daprd's state API: it answers each path as the test says and records the last body.
let server: Server;
let store: StateStore;
let answers: Record<string, { status: number; body?: string }> = {};
let lastBody: unknown;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = await text(req);
    lastBody = body ? JSON.parse(body) : undefined;
    const answer = answers[`${req.method} ${req.url}`] ?? { status: 404 };
    res.writeHead(answer.status).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  store = createStateStore(
    new SidecarClient({ host: '127.0.0.1', httpPort: port, apiToken: 'x'.repeat(16) }),
    'orderstore',
  );
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

const QUERY = 'POST /v1.0-alpha1/state/orderstore/query';

describe('a state query', () => {
  it('returns the matching items and the token of the next page', async () => {
    answers = {
      [QUERY]: {
        status: 200,
        body: JSON.stringify({ results: [{ key: 'order-1', data: { id: '1' }, etag: '3' }], token: '1' }),
      },
    };
    const page = await store.query<{ id: string }>({ filter: { EQ: { userId: 'u1' } }, page: { limit: 1 } });
    expect(page).toEqual({ results: [{ key: 'order-1', data: { id: '1' }, etag: '3' }], token: '1' });
    expect(lastBody).toEqual({ filter: { EQ: { userId: 'u1' } }, page: { limit: 1 } });
  });

  it('returns no items when nothing matches (204)', async () => {
    answers = { [QUERY]: { status: 204 } };
    expect(await store.query({ page: { limit: 10 } })).toEqual({ results: [] });
  });

  it('is a 503 when the store cannot answer it', async () => {
    answers = { [QUERY]: { status: 500, body: 'ERR_STATE_QUERY' } };
    await expect(store.query({})).rejects.toMatchObject({ status: 503, message: 'state store query failed' });
  });
});

describe('a state transaction', () => {
  it('sends each operation with first-write concurrency when it has an ETag, and its metadata', async () => {
    answers = { 'POST /v1.0/state/orderstore/transaction': { status: 204 } };
    await store.transact(
      [
        { operation: 'upsert', key: 'a', value: 1, etag: '2' },
        { operation: 'delete', key: 'b' },
      ],
      { partitionKey: 'p' },
    );
    expect(lastBody).toEqual({
      operations: [
        { operation: 'upsert', request: { key: 'a', value: 1, etag: '2', options: { concurrency: 'first-write' } } },
        { operation: 'delete', request: { key: 'b' } },
      ],
      metadata: { partitionKey: 'p' },
    });
  });

  it('is a 412 when a record changed since it was read', async () => {
    answers = { 'POST /v1.0/state/orderstore/transaction': { status: 500, body: 'possible etag mismatch' } };
    await expect(store.transact([{ operation: 'upsert', key: 'a', value: 1, etag: '1' }])).rejects.toMatchObject({
      status: 412,
    });
  });
});
