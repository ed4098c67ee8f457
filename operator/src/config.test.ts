import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('reads flags over environment variables, with defaults for the rest', () => {
    // WHEN
    const config = loadConfig(['--install-crds', '--metrics-port', '9090', '--lease-name=shop-op'], {
      CONCURRENCY: '2',
    });

    // THEN
    expect(config).toMatchObject({
      INSTALL_CRDS: true,
      METRICS_PORT: 9090,
      LEASE_NAME: 'shop-op',
      CONCURRENCY: 2,
      LEADER_ELECT: true,
      RESYNC_MS: 300_000,
    });
  });

  it('when a value is bad, the error names the setting', () => {
    expect(() => loadConfig(['--metrics-port', 'eighty'], {})).toThrow(/METRICS_PORT/);
  });

  it('when a flag is unknown, it says which', () => {
    expect(() => loadConfig(['--leader-elekt'], {})).toThrow(/unknown flag --leader-elekt/);
  });
});
