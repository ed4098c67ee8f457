// `npm run components`: rewrites the generated files under components/ from the service manifests.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { componentsDir, renderLocalComponents } from './local/components.ts';

for (const [path, content] of await renderLocalComponents()) {
  writeFileSync(join(componentsDir, path), content);
  console.error(`wrote components/${path}`);
}
