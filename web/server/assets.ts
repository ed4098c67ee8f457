import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export interface Asset {
  readonly type: string;
  readonly body: Buffer;
  readonly gzip: Buffer | undefined;
  readonly br: Buffer | undefined;
  /** Vite's hashed file names under assets/ never change: cached for a year. */
  readonly immutable: boolean;
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};
const compressible = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt']);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : [],
  );
}

/** Reads the built page into memory once, with its gzip and brotli forms: the server never touches disk again. */
export function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const file of files(dir)) {
    const ext = extname(file);
    const type = types[ext];
    if (!type) continue;
    const body = readFileSync(file);
    const squeeze = compressible.has(ext) && body.length > 512;
    const path = `/${relative(dir, file).split('\\').join('/')}`;
    assets.set(path, {
      type,
      body,
      gzip: squeeze ? gzipSync(body, { level: 9 }) : undefined,
      br: squeeze ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }) : undefined,
      immutable: path.startsWith('/assets/'),
    });
  }
  if (!assets.has('/index.html'))
    throw new Error(`${dir} holds no index.html: build the page first (npm run build -w @shopstack/web)`);
  return assets;
}
