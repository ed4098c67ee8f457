import { describe, expect, it } from 'vitest';
import { coldBuildDiskBytes, lowDiskWarning } from './binaries.ts';

describe('the disk check before a build', () => {
  it('warns with the free and the needed space when less is free than a cold build fills', () => {
    expect(lowDiskWarning(24.6e9)).toMatch(/^warning: 24 GB of disk free under .*fills about 50 GB/);
  });

  it('says nothing when there is room', () => {
    expect(lowDiskWarning(coldBuildDiskBytes)).toBeUndefined();
    expect(lowDiskWarning(200e9)).toBeUndefined();
  });
});
