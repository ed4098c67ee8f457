import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { webDist } from './paths.ts';

const dashboardDir = resolve(import.meta.dirname, '..');

/** Bundles the page (web/main.ts → app.js, minified, with its stylesheet and icon) into `outDir`. */
export async function buildWeb(outDir: string = webDist): Promise<string> {
  // esbuild is a dev dependency: the container image runs a page built at image build time
  const { build } = await import('esbuild');
  const web = join(dashboardDir, 'web');
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [join(web, 'main.ts')],
    outfile: join(outDir, 'app.js'),
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'app.css', 'favicon.svg']) copyFileSync(join(web, file), join(outDir, file));
  return outDir;
}

/** The in-cluster server as one file (dist/server/main.js), what the container runs: no node_modules. */
async function buildServer(): Promise<string> {
  const { build } = await import('esbuild');
  const outfile = join(dashboardDir, 'dist', 'server', 'main.js');
  await build({
    entryPoints: [join(dashboardDir, 'src', 'main.ts')],
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

// `npm run build -w @shopstack/dashboard [-- --server]`
if (import.meta.main) {
  const began = Date.now();
  const built = [await buildWeb(), ...(process.argv.includes('--server') ? [await buildServer()] : [])];
  console.log(`dashboard built in ${Date.now() - began} ms: ${built.join(', ')}`);
}
