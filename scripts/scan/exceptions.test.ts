import { describe, expect, it } from 'vitest';
import { covers, gate, readExceptions, type ScanException } from './exceptions.ts';
import type { Finding } from './scanners.ts';

const finding = (object: string, message = 'shop: CPU limit is not set'): Finding => ({
  scanner: 'kube-score',
  rule: 'container-resources',
  object,
  message,
});
const exception = (object: string, message?: string): ScanException => ({
  scanner: 'kube-score',
  rule: 'container-resources',
  object,
  ...(message && { message }),
  reason: 'no CPU limits by design',
});

describe('scan exceptions', () => {
  it('cover a finding by scanner, rule, object (where * stops at /) and a part of the message', () => {
    expect(covers(exception('*/Deployment.*'), finding('kind/Deployment.shop-cart'))).toBe(true);
    expect(covers(exception('*/Deployment.*'), finding('kind/StatefulSet.shop-postgres'))).toBe(false);
    expect(covers(exception('kind/*'), finding('dockerfiles/images/node/Dockerfile'))).toBe(false);
    expect(covers(exception('dockerfiles/*'), finding('dockerfiles/images/node/Dockerfile'))).toBe(false);
    expect(covers(exception('dockerfiles/**'), finding('dockerfiles/images/node/Dockerfile'))).toBe(true);
    expect(covers(exception('*/Deployment.*', 'CPU limit'), finding('kind/Deployment.x', 'shop: Memory limit'))).toBe(
      false,
    );
    expect(covers({ ...exception('*/*'), scanner: 'trivy' }, finding('kind/Deployment.x'))).toBe(false);
  });

  it('leave uncovered findings and stale exceptions for the gate to fail on', () => {
    // GIVEN
    const findings = [finding('kind/Deployment.shop-cart'), finding('chart/Deployment.operator', 'Memory limit')];
    const exceptions = [exception('*/Deployment.*', 'CPU limit'), exception('demo/StatefulSet.*')];

    // WHEN
    const result = gate(findings, exceptions);

    // THEN
    expect(result.uncovered).toEqual([findings[1]]);
    expect(result.stale).toEqual([exceptions[1]]);
  });

  it('the checked-in file reads, each exception with its reason', () => {
    for (const e of readExceptions()) expect(e.reason.length, `${e.rule} ${e.object}`).toBeGreaterThan(10);
  });
});
