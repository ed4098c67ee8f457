import { describe, expect, it } from 'vitest';
import { parseSpec } from './parse.ts';
import { renderShopStack } from './render.ts';

const gatewaySettings = (spec: Record<string, unknown>) => {
  const objects = renderShopStack({ name: 'demo', namespace: 'shop', spec: { version: '1.0.0', ...spec } });
  const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'demo-gateway') as
    { data: Record<string, string> } | undefined;
  return config?.data ?? {};
};

describe('spec.gateway.rateLimits', () => {
  it("defaults to the production limits, rendered into the gateway's settings", () => {
    expect(parseSpec({ version: '1.0.0' }).gateway.rateLimits).toEqual({
      perAddress: 600,
      perUser: 300,
      windowSeconds: 60,
    });
    expect(gatewaySettings({})).toMatchObject({
      RATE_LIMIT_PER_ADDRESS: '600',
      RATE_LIMIT_PER_USER: '300',
      RATE_LIMIT_WINDOW_SECONDS: '60',
    });
  });

  it('renders what a shop sets, and only into the gateway', () => {
    const spec = { gateway: { rateLimits: { perAddress: 1200, windowSeconds: 30 } } };
    expect(gatewaySettings(spec)).toMatchObject({
      RATE_LIMIT_PER_ADDRESS: '1200',
      RATE_LIMIT_PER_USER: '300',
      RATE_LIMIT_WINDOW_SECONDS: '30',
    });
    const objects = renderShopStack({ name: 'demo', namespace: 'shop', spec: { version: '1.0.0', ...spec } });
    const others = objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name !== 'demo-gateway');
    for (const other of others) expect(JSON.stringify(other)).not.toContain('RATE_LIMIT_PER_ADDRESS');
  });

  it('refuses a limit that would turn it off or overflow, naming the field', () => {
    for (const [rateLimits, field] of [
      [{ perAddress: 0 }, 'spec.gateway.rateLimits.perAddress'],
      [{ perUser: -5 }, 'spec.gateway.rateLimits.perUser'],
      [{ perAddress: 1.5 }, 'spec.gateway.rateLimits.perAddress'],
      [{ windowSeconds: 86_400 }, 'spec.gateway.rateLimits.windowSeconds'],
      [{ perAddress: '600' }, 'spec.gateway.rateLimits.perAddress'],
    ] as const) {
      expect(() => parseSpec({ version: '1.0.0', gateway: { rateLimits } })).toThrow(field);
    }
  });
});
