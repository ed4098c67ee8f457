import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { afterLoading, imagesToLoad, readLoadedImages, writeLoadedImages } from './loaded-images.ts';

describe('the record of images loaded into the node', () => {
  const ids = { 'shopstack.local/gateway:0.1.0': 'sha256:aaa', 'shopstack.local/catalog:0.1.0': 'sha256:bbb' };

  it('loads only the images whose id changed on the same node', () => {
    const record = { node: 'node-1', images: { ...ids, 'shopstack.local/catalog:0.1.0': 'sha256:old' } };
    expect(imagesToLoad(record, 'node-1', ids)).toEqual(['shopstack.local/catalog:0.1.0']);
    expect(imagesToLoad(afterLoading(record, 'node-1', ids), 'node-1', ids)).toEqual([]);
  });

  it('loads every image into a node created again under the same name', () => {
    const record = { node: 'node-1', images: ids };
    expect(imagesToLoad(record, 'node-2', ids)).toEqual(Object.keys(ids));
    expect(afterLoading(record, 'node-2', { 'shopstack.local/gateway:0.1.0': 'sha256:aaa' })).toEqual({
      node: 'node-2',
      images: { 'shopstack.local/gateway:0.1.0': 'sha256:aaa' },
    });
  });

  it('takes a missing, unreadable or older record (no node) as nothing loaded', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loaded-images-'));
    const file = join(dir, 'loaded.json');
    expect(readLoadedImages(file)).toBeUndefined();
    writeFileSync(file, JSON.stringify(ids)); // the format before the record named its node
    expect(readLoadedImages(file)).toBeUndefined();
    writeFileSync(file, '{ not json');
    expect(readLoadedImages(file)).toBeUndefined();
    writeLoadedImages(file, { node: 'node-1', images: ids });
    expect(readLoadedImages(file)).toEqual({ node: 'node-1', images: ids });
  });
});
