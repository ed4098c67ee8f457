// What `npm start` and `npm test` need from the operating system, and how a fresh machine gets it.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { postgresBinDir } from './postgres.ts';
import { findBinary, pathDirs } from '../runtimes/binaries.ts';

/** One thing the shop needs from the system, the Debian package that provides it, and why. */
export interface SystemNeed {
  readonly debianPackage: string;
  readonly why: string;
  isPresent(): boolean;
}

export const postgresql: SystemNeed = {
  debianPackage: 'postgresql',
  why: 'PostgreSQL server binaries (initdb, postgres): the services’ databases and the Dapr state store',
  isPresent: () => {
    try {
      postgresBinDir();
      return true;
    } catch {
      return false;
    }
  },
};

export const redisServer: SystemNeed = {
  debianPackage: 'redis-server',
  why: 'redis-server: pub/sub, rate limits, login throttling and the catalog cache',
  isPresent: () => findBinary('redis-server', [...pathDirs(), '/usr/bin', '/usr/sbin']) !== undefined,
};

/** What the local shop (`npm start`) and the integration tests need. */
export const shopNeeds: readonly SystemNeed[] = [postgresql, redisServer];

export interface Host {
  readonly isRoot: boolean;
  /** Debian or a derivative with apt-get. */
  readonly hasApt: boolean;
}

export type Plan =
  | { readonly action: 'none' }
  | { readonly action: 'install'; readonly packages: readonly string[]; readonly reasons: readonly string[] }
  | { readonly action: 'ask'; readonly command: string; readonly reasons: readonly string[] };

/** Decides what to do about the needs that are missing: nothing, install them (root on Debian), or ask. */
export function planInstall(missing: readonly SystemNeed[], host: Host): Plan {
  if (missing.length === 0) return { action: 'none' };
  const packages = missing.map((n) => n.debianPackage);
  const reasons = missing.map((n) => `${n.debianPackage} — ${n.why}`);
  if (host.hasApt && host.isRoot) return { action: 'install', packages, reasons };
  const install = `apt-get install -y ${packages.join(' ')}`;
  const command = host.hasApt ? `sudo ${install}` : `${install} (or your system's equivalent)`;
  return { action: 'ask', command, reasons };
}

function currentHost(): Host {
  return {
    isRoot: process.getuid?.() === 0,
    hasApt: existsSync('/etc/debian_version') && findBinary('apt-get', [...pathDirs(), '/usr/bin']) !== undefined,
  };
}

/**
 * Installs missing system packages with apt-get when running as root on Debian/Ubuntu, saying what and
 * why on `say`; otherwise throws an error naming the one command to run.
 */
export function ensureSystemPackages(
  needs: readonly SystemNeed[],
  say: (line: string) => void,
  host: Host = currentHost(),
): void {
  const plan = planInstall(
    needs.filter((n) => !n.isPresent()),
    host,
  );
  if (plan.action === 'none') return;
  for (const reason of plan.reasons) say(`missing ${reason}`);
  if (plan.action === 'ask') throw new Error(`missing system packages; run: ${plan.command}`);
  say(`installing ${plan.packages.join(' ')} with apt-get (once per machine)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // progress goes to stderr so that stdout stays the runner's own lines
  const stdio: ['ignore', number, number] = ['ignore', 2, 2];
  execFileSync('apt-get', ['update', '-qq'], { stdio, env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...plan.packages], { stdio, env });
  const still = needs.filter((n) => !n.isPresent()).map((n) => n.debianPackage);
  if (still.length)
    throw new Error(`apt-get installed ${plan.packages.join(' ')} but ${still.join(' ')} is still missing`);
  say(`installed ${plan.packages.join(' ')}`);
}
