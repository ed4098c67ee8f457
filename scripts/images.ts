// `npm run images [-- --rebuild] [group...]`: builds the cluster's images that are missing (again with
// --rebuild), all of them or those of the groups named (data, services, operator, dapr, traefik).
// `SHOPSTACK_VERSION=0.1.1 npm run images -- services operator` tags the shop's own images 0.1.1 instead
// of package.json's version: a second version to upgrade to (docs/operations.md).

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
  const version = process.env.SHOPSTACK_VERSION;
  if (version !== undefined && !/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/.test(version)) {
    throw new Error(`SHOPSTACK_VERSION must be a semantic version such as 0.1.1, not ${JSON.stringify(version)}`);
  }
  const set = await buildImages({
    progress: (line) => console.error(line),
    rebuild,
    ...(version && { version }),
    ...(groups.length && { groups: groups as ImageGroup[] }),
  });
  for (const ref of allImageRefs(set)) console.log(ref);
} catch (err) {
  console.error(`error: ${(err as Error).message}`);
  process.exit(1);
}
