import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { KubeClient, WatchEvent } from '../kube/client.ts';
import { KubeError } from '../kube/errors.ts';
import type { KubeObject } from '../kube/object.ts';
import { Informer, type InformerEventType } from './informer.ts';

const configMap = (name: string, resourceVersion: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'shop', resourceVersion },
});

/** A scripted API: each list and each watch call takes the next entry of its script. */
function scriptedClient(script: { lists: KubeObject[][]; watches: WatchEvent[][] }) {
  const calls: string[] = [];
  let version = 100;
  const client = {
    async list() {
      const items = script.lists.shift() ?? [];
      calls.push(`list ${items.length}`);
      return { metadata: { resourceVersion: String(version++) }, items };
    },
    async *watch(_kind: string, opts: { resourceVersion: string; signal: AbortSignal }) {
      calls.push(`watch from ${opts.resourceVersion}`);
      const events = script.watches.shift();
      if (!events) {
        // like a real request: nothing to wait for once aborted
        if (!opts.signal.aborted) await new Promise((resolve) => opts.signal.addEventListener('abort', resolve));
        return;
      }
      for (const event of events) yield event;
    },
  };
  return { client: client as unknown as KubeClient, calls };
}

describe('Informer', () => {
  it('when the watch expires (410 Gone), it lists again and reports what changed meanwhile', async () => {
    // GIVEN a cache with a and b, then a watch that expires, and a relist where b is gone and c is new
    const { client, calls } = scriptedClient({
      lists: [
        [configMap('a', '1'), configMap('b', '2')],
        [configMap('a', '1'), configMap('c', '5')],
      ],
      watches: [
        [
          { type: 'MODIFIED', object: configMap('a', '1') },
          { type: 'ERROR', object: { ...configMap('', ''), code: 410 } },
        ],
      ],
    });
    const events: string[] = [];
    const informer = new Informer({
      client,
      kind: 'ConfigMap',
      log: pino({ level: 'silent' }),
      onEvent: (type: InformerEventType, obj) => events.push(`${type} ${obj.metadata.name}`),
    });

    // WHEN
    await informer.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await informer.stop();

    // THEN
    expect(calls).toEqual(['list 2', 'watch from 100', 'list 2', 'watch from 101']);
    expect(events).toEqual(['ADDED a', 'ADDED b', 'MODIFIED a', 'ADDED c', 'DELETED b']);
    expect(informer.list().map((o) => o.metadata.name)).toEqual(['a', 'c']);
  });

  it('when the server ends a watch normally, it resumes from the last version it saw, without listing', async () => {
    // GIVEN
    const { client, calls } = scriptedClient({
      lists: [[]],
      watches: [
        [{ type: 'ADDED', object: configMap('a', '120') }],
        [{ type: 'BOOKMARK', object: configMap('', '130') }],
      ],
    });
    const informer = new Informer({ client, kind: 'ConfigMap', log: pino({ level: 'silent' }), onEvent: () => {} });

    // WHEN
    await informer.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await informer.stop();

    // THEN
    expect(calls).toEqual(['list 0', 'watch from 100', 'watch from 120', 'watch from 130']);
  });

  it('never rolls a remembered write back to an older watch event', async () => {
    // GIVEN
    const { client } = scriptedClient({ lists: [[]], watches: [] });
    const informer = new Informer({ client, kind: 'ConfigMap', log: pino({ level: 'silent' }), onEvent: () => {} });
    await informer.start();

    // WHEN
    informer.remember(configMap('a', '200'));
    informer.remember(configMap('a', '150'));

    // THEN
    expect(informer.get('shop/a')?.metadata.resourceVersion).toBe('200');
    await informer.stop();
  });

  it('says once, not at every retry, that a kind is not served, and fills its cache when its CRD arrives', async () => {
    // GIVEN a kind whose CRD is missing for three lists, then installed with one object
    const notFound = new KubeError(404, 'NotFound', 'the server could not find the requested resource');
    let lists = 0;
    const { client } = scriptedClient({ lists: [[configMap('a', '1')]], watches: [] });
    const served = client.list.bind(client);
    client.list = (async (...args: Parameters<KubeClient['list']>) => {
      lists += 1;
      if (lists <= 3) throw notFound;
      return served(...args);
    }) as KubeClient['list'];
    const logged: { level: number; msg: string }[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line)) });
    const informer = new Informer({ client, kind: 'ConfigMap', log, onEvent: () => {} });

    // WHEN it starts
    await informer.start();
    expect(informer.list()).toEqual([]);
    await expect.poll(() => informer.list().length, { timeout: 10_000 }).toBe(1);
    await informer.stop();

    // THEN the cache was synced (empty) at once, one info line said why, and nothing was logged as a failure
    expect(logged.map((l) => [l.level, l.msg])).toEqual([[30, 'kind not served (CRD missing); watching for it']]);
  });

  it("keeps only the operator's own managedFields of what it caches", async () => {
    // GIVEN
    const { client } = scriptedClient({ lists: [[]], watches: [] });
    const informer = new Informer({ client, kind: 'ConfigMap', log: pino({ level: 'silent' }), onEvent: () => {} });
    await informer.start();
    const fields = (manager: string) => ({ manager, operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: {} });

    // WHEN
    informer.remember({
      ...configMap('a', '1'),
      metadata: { ...configMap('a', '1').metadata, managedFields: [fields('kubectl'), fields('shopstack-operator')] },
    });
    informer.remember({
      ...configMap('b', '1'),
      metadata: { ...configMap('b', '1').metadata, managedFields: [fields('kubectl')] },
    });

    // THEN
    expect(informer.get('shop/a')?.metadata.managedFields).toEqual([fields('shopstack-operator')]);
    expect(informer.get('shop/b')?.metadata).not.toHaveProperty('managedFields');
    await informer.stop();
  });
});
