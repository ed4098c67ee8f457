// `npm run components`: rewrites components/ from the service manifests, and removes any file there that
// is not generated (daprd would load a stale component beside its replacement).
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { componentsDir, renderLocalComponents } from './local/components.ts';

const files = await renderLocalComponents();
for (const [path, content] of files) {
  writeFileSync(join(componentsDir, path), content);
  console.error(`wrote components/${path}`);
}
for (const path of readdirSync(componentsDir, { recursive: true, withFileTypes: true })) {
  if (!path.isFile()) continue;
  const relative = join(path.parentPath, path.name).slice(componentsDir.length + 1);
  if (files.has(relative)) continue;
  rmSync(join(componentsDir, relative));
  console.error(`removed components/${relative}`);
}
