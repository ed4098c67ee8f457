import { writeFileSync } from 'node:fs';
import { crdFiles, renderCrdYaml } from './files.ts';

// `npm run crd -w @shopstack/operator`: regenerates the CRD files after a schema change
const yaml = await renderCrdYaml();
for (const file of crdFiles) {
  writeFileSync(file, yaml);
  console.log(`wrote ${file}`);
}
