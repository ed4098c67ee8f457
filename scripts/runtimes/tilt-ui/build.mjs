// Builds Tilt's React web UI from the sources in the tilt Go module (web/) into Tilt's pkg/assets/build,
// with esbuild instead of upstream's react-scripts (whose toolchain, with Storybook, is far larger):
//   node build.mjs <module>/web <work dir> <module copy>/pkg/assets/build
// Runtime dependencies: the ranges of upstream's web/package.json (its yarn.lock is Yarn 2+, which npm
// cannot read); build tools pinned below. SVGs become React components as create-react-app makes them
// (`import { ReactComponent } from "./x.svg"`); SCSS compiles with sass.
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

const tools = { esbuild: '0.25.12', sass: '1.108.2', '@svgr/core': '8.1.0', '@svgr/plugin-jsx': '8.1.0' };
const [web, work, out] = process.argv.slice(2);
if (!web || !work || !out) throw new Error('usage: node build.mjs <web dir> <work dir> <out dir>');

const upstream = JSON.parse(readFileSync(join(web, 'package.json'), 'utf8'));
mkdirSync(work, { recursive: true });
writeFileSync(
  join(work, 'package.json'),
  JSON.stringify({ name: 'tilt-web-build', private: true, dependencies: { ...upstream.dependencies, ...tools } }),
);
execFileSync(
  'npm',
  ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--legacy-peer-deps', '--loglevel=error'],
  {
    cwd: work,
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);

const need = createRequire(join(work, 'package.json'));
// CommonJS packages: their exports are the default export
const load = async (name) => {
  const module = await import(pathToFileURL(need.resolve(name)).href);
  return module.default ?? module;
};
const esbuild = await load('esbuild');
const sass = await load('sass');
const { transform } = await load('@svgr/core');
const jsx = await load('@svgr/plugin-jsx');

const svg = {
  name: 'svg',
  setup(build) {
    build.onLoad({ filter: /\.svg$/ }, async (args) => {
      const source = readFileSync(args.path, 'utf8');
      const options = { plugins: [jsx], exportType: 'named', namedExport: 'ReactComponent', jsxRuntime: 'classic' };
      const component = await transform(source, options, { filePath: args.path });
      const url = `data:image/svg+xml;base64,${Buffer.from(source).toString('base64')}`;
      return { contents: `${component}\nexport default ${JSON.stringify(url)};`, loader: 'jsx' };
    });
  },
};
const scss = {
  name: 'scss',
  setup(build) {
    build.onLoad({ filter: /\.scss$/ }, (args) => ({
      contents: sass.compile(args.path, { loadPaths: [dirname(args.path)], logger: sass.Logger.silent }).css,
      loader: 'css',
    }));
  },
};

cpSync(join(web, 'public'), out, { recursive: true });
// the module cache's files are read-only, and so would be their copies
execFileSync('chmod', ['-R', 'u+w', out]);
await esbuild.build({
  entryPoints: [join(web, 'src', 'index.tsx')],
  bundle: true,
  // the sources stay in the module cache; their packages are in the work dir
  nodePaths: [join(work, 'node_modules')],
  minify: true,
  outdir: join(out, 'static'),
  entryNames: 'main',
  define: { 'process.env.NODE_ENV': '"production"' },
  loader: { '.png': 'dataurl' },
  plugins: [svg, scss],
  logLevel: 'error',
});
const index = readFileSync(join(web, 'public', 'index.html'), 'utf8')
  .replace('</head>', '  <link rel="stylesheet" href="/static/main.css">\n  </head>')
  .replace('</body>', '  <script src="/static/main.js"></script>\n  </body>');
writeFileSync(join(out, 'index.html'), index);
process.stdout.write(`tilt web UI: built into ${out}\n`);
