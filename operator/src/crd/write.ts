import { writeFileSync } from 'node:fs';
import { crdSources, renderCrdYaml } from './files.ts';

// `npm run crd -w @shopstack/operator`: regenerates the CRD files after a schema change
for (const source of crdSources) {
  const yaml = await renderCrdYaml(source);
  for (const file of source.files) {
    writeFileSync(file, yaml);
    console.log(`wrote ${file}`);
  }
}
