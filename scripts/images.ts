// `npm run images [-- --rebuild]`: builds the cluster's images that are missing (all with --rebuild).

import { allImageRefs, buildImages } from './cluster/images.ts';

const rebuild = process.argv.includes('--rebuild');
try {
  const set = await buildImages({ progress: (line) => console.error(line), rebuild });
  for (const ref of allImageRefs(set)) console.log(ref);
} catch (err) {
  console.error(`error: ${(err as Error).message}`);
  process.exit(1);
}
