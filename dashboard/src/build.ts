import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const dashboardDir = resolve(import.meta.dirname, '..');
/** Where `npm run build -w @shopstack/dashboard` puts the page; the server reads it from here. */
export const webDist: string = join(dashboardDir, 'dist', 'web');

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

if (import.meta.main) {
  const began = Date.now();
  const out = await buildWeb();
  console.log(`dashboard page built into ${out} in ${Date.now() - began} ms`);
}
