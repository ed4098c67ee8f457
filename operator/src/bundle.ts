import { build } from 'esbuild';

// `npm run build -w @shopstack/operator`: the operator as one JavaScript file, what its container runs.
// Running the .ts sources needs Node's type stripping, which alone holds some 16 MB; the bundle does not.
await build({
  entryPoints: [new URL('main.ts', import.meta.url).pathname],
  outfile: new URL('../dist/main.js', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  sourcemap: true,
  keepNames: true,
  // loaded only for kubeconfigs with auth plugins; it stays a dependency in node_modules
  external: ['@kubernetes/client-node'],
  // bundled CommonJS (cdk8s, prom-client) still calls require()
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  logLevel: 'warning',
});
