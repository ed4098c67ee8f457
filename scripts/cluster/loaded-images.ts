// Which images a cluster's node already holds, as last loaded by this project: a re-run loads (and
// restarts) only what changed. The record names the node it was made for, because a cluster created
// again (deleted by a test, `kind delete cluster`) has a new, empty node under the same name.
import { readFileSync, writeFileSync } from 'node:fs';

export interface LoadedImages {
  /** Docker's id of the node container the images were loaded into. */
  readonly node: string;
  /** Image reference → Docker image id, as loaded. */
  readonly images: Readonly<Record<string, string>>;
}

/** What the record says `node` holds: nothing when it was made for another node. */
const heldBy = (record: LoadedImages | undefined, node: string): Readonly<Record<string, string>> =>
  record?.node === node ? record.images : {};

/** The references among `ids` (reference → current image id) that the node `node` does not hold yet. */
export function imagesToLoad(
  record: LoadedImages | undefined,
  node: string,
  ids: Readonly<Record<string, string>>,
): string[] {
  const held = heldBy(record, node);
  return Object.keys(ids).filter((ref) => held[ref] !== ids[ref]);
}

/** The record after loading `ids` into `node`: what was held there before, plus `ids`. */
export function afterLoading(
  record: LoadedImages | undefined,
  node: string,
  ids: Readonly<Record<string, string>>,
): LoadedImages {
  return { node, images: { ...heldBy(record, node), ...ids } };
}

/** The record in `file`; none when it is missing or in an older format (everything is then loaded once). */
export function readLoadedImages(file: string): LoadedImages | undefined {
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as Partial<LoadedImages>;
    return typeof record.node === 'string' && typeof record.images === 'object' && record.images !== null
      ? (record as LoadedImages)
      : undefined;
  } catch {
    return undefined;
  }
}

export function writeLoadedImages(file: string, record: LoadedImages): void {
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
}
