// `npm run images [-- --rebuild] [group...]`: builds the cluster's images that are missing (again with
// --rebuild), all of them or those of the groups named (data, services, operator, dapr, traefik).

import { allImageRefs, buildImages, type ImageGroup, imageGroups } from './cluster/images.ts';

const args = process.argv.slice(2);
const rebuild = args.includes('--rebuild');
const groups = args.filter((arg) => arg !== '--rebuild');
const unknown = groups.filter((group) => !(imageGroups as readonly string[]).includes(group));
if (unknown.length) {
  console.error(
    `error: unknown argument ${unknown.join(', ')}; expected --rebuild and groups among ${imageGroups.join(', ')}`,
  );
  process.exit(2);
}
try {
  const set = await buildImages({
    progress: (line) => console.error(line),
    rebuild,
    ...(groups.length && { groups: groups as ImageGroup[] }),
  });
  for (const ref of allImageRefs(set)) console.log(ref);
} catch (err) {
  console.error(`error: ${(err as Error).message}`);
  process.exit(1);
}
