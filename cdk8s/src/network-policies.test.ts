import { describe, expect, it } from 'vitest';
import { outsideLinkLocal } from './network-policies.ts';

describe('outsideLinkLocal', () => {
  it('leaves the link-local range (cloud metadata) out of a block that holds it, and only then', () => {
    expect(outsideLinkLocal('0.0.0.0/0')).toEqual({ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.0.0/16'] } });
    expect(outsideLinkLocal('128.0.0.0/1')).toEqual({ ipBlock: { cidr: '128.0.0.0/1', except: ['169.254.0.0/16'] } });
    expect(outsideLinkLocal('10.0.0.0/8')).toEqual({ ipBlock: { cidr: '10.0.0.0/8' } });
    expect(outsideLinkLocal('172.18.0.2/32')).toEqual({ ipBlock: { cidr: '172.18.0.2/32' } });
  });
});
