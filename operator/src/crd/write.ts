import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crdFiles, renderCrdYaml } from './files.ts';

// `npm run crd -w @shopstack/operator`: regenerates the CRD files after a schema change
const yaml = renderCrdYaml();
for (const file of crdFiles) {
  writeFileSync(file, yaml);
  console.log(`wrote ${join(file)}`);
}
