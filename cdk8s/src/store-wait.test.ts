import { describe, expect, it } from 'vitest';
import { storeTargets, storeWaitContainer } from './store-wait.ts';
import { shopContext } from './testing/fixtures.ts';

describe('storeWaitContainer', () => {
  it('waits for exactly the managed stores a service or its sidecar uses, as the NetworkPolicies open them', () => {
    const ctx = shopContext();
    expect(storeTargets(ctx, 'cart')).toEqual(['demo-postgres:5432']);
    expect(storeTargets(ctx, 'notifications')).toContain('demo-redis:6379');
    expect(storeWaitContainer(ctx, 'cart', 'cart:1', {})?.command?.slice(3)).toEqual(['demo-postgres:5432']);
  });

  it('waits for no external store (its address is a secret) and renders nothing with nothing to wait for', () => {
    const ctx = shopContext({
      database: { mode: 'external', external: { secretRef: { name: 'db' } } },
      redis: { mode: 'external', external: { address: 'redis.example:6380' } },
    });
    expect(storeTargets(ctx, 'cart')).toEqual([]);
    expect(storeWaitContainer(ctx, 'cart', 'cart:1', {})).toBeUndefined();
  });
});
