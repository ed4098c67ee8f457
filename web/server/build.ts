import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { webDist } from './config.ts';

const webDir = resolve(import.meta.dirname, '..');

/** A digest of everything the page is built from, to build once per change. */
function sourceDigest(): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(path).update(readFileSync(path));
    }
  };
  for (const dir of ['src', 'public']) walk(join(webDir, dir));
  for (const file of ['index.html', 'vite.config.ts', 'package.json']) hash.update(readFileSync(join(webDir, file)));
  return hash.digest('hex');
}

/**
 * Builds the page with Vite into web/dist/web, unless the last build was of the same sources (its
 * digest is kept beside it): `npm start` and each test file call it, and only the first one builds.
 */
export async function buildWeb(opts: { force?: boolean } = {}): Promise<string> {
  const stamp = join(webDist, '.source-digest');
  const digest = sourceDigest();
  if (!opts.force && existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return webDist;
  // vite is a dev dependency: the container image holds a page built at image build time
  const { build } = await import('vite');
  await build({ configFile: join(webDir, 'vite.config.ts'), logLevel: 'warn' });
  writeFileSync(stamp, digest);
  return webDist;
}

/** The server as one file (dist/server/main.js), what the container runs: no node_modules. */
async function buildServer(): Promise<string> {
  const { build } = await import('esbuild');
  const outfile = join(webDir, 'dist', 'server', 'main.js');
  await build({
    entryPoints: [join(webDir, 'server', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    sourcemap: true,
    logLevel: 'warning',
  });
  return outfile;
}

// `npm run build -w @shopstack/web [-- --server]`
if (import.meta.main) {
  const began = Date.now();
  const built = [await buildWeb({ force: true }), ...(process.argv.includes('--server') ? [await buildServer()] : [])];
  console.log(`storefront built in ${Date.now() - began} ms: ${built.join(', ')}`);
}
