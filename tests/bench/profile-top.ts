// `node tests/bench/profile-top.ts <file.cpuprofile> [n]`: the functions with the most self time in a
// V8 CPU profile, and the share of each package (node_modules/<name>) in the total.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
}

const [file, count = '25'] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-top.ts <file.cpuprofile> [n]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
const packages = new Map<string, number>();
for (const id of profile.samples) {
  const frame = byId.get(id)?.callFrame;
  if (!frame) continue;
  const where = frame.url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/\/work\/main\//, '');
  const name = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
  self.set(name, (self.get(name) ?? 0) + 1);
  const pkg =
    /node_modules\/((@[^/]+\/)?[^/]+)/.exec(frame.url)?.[1] ?? (frame.url ? 'own code / node' : frame.functionName);
  packages.set(pkg, (packages.get(pkg) ?? 0) + 1);
}
const total = profile.samples.length;
const top = (m: Map<string, number>, n: number): Record<string, string> =>
  Object.fromEntries(
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => [k, `${((100 * v) / total).toFixed(1)}%`]),
  );
console.table(top(packages, 15));
console.table(top(self, Number(count)));
