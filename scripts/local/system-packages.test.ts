import { describe, expect, it } from 'vitest';
import { planInstall, type SystemNeed } from './system-packages.ts';

const need = (debianPackage: string): SystemNeed => ({
  debianPackage,
  why: `${debianPackage} is used`,
  isPresent: () => false,
});

describe('planInstall', () => {
  it('when nothing is missing, does nothing', () => {
    expect(planInstall([], { isRoot: false, hasApt: false })).toEqual({ action: 'none' });
  });

  it('as root on Debian, installs every missing package and says why', () => {
    expect(planInstall([need('postgresql'), need('redis-server')], { isRoot: true, hasApt: true })).toEqual({
      action: 'install',
      packages: ['postgresql', 'redis-server'],
      reasons: ['postgresql — postgresql is used', 'redis-server — redis-server is used'],
    });
  });

  it('on Debian without root, asks for one sudo apt-get command', () => {
    const plan = planInstall([need('redis-server')], { isRoot: false, hasApt: true });
    expect(plan).toMatchObject({ action: 'ask', command: 'sudo apt-get install -y redis-server' });
  });

  it('without apt-get, names the packages to install another way', () => {
    const plan = planInstall([need('postgresql')], { isRoot: true, hasApt: false });
    expect(plan).toMatchObject({
      action: 'ask',
      command: "apt-get install -y postgresql (or your system's equivalent)",
    });
  });
});
