import { describe, expect, it } from 'vitest';
import { isNodeServingRequest, metricsServerObjects } from './metrics-server.ts';

const request = (over: { username?: string; signerName?: string; usages?: string[]; approved?: boolean } = {}) => ({
  metadata: { name: 'csr-1' },
  spec: {
    signerName: over.signerName ?? 'kubernetes.io/kubelet-serving',
    username: over.username ?? 'system:node:shopstack-control-plane',
    usages: over.usages ?? ['digital signature', 'server auth'],
  },
  ...(over.approved ? { status: { conditions: [{ type: 'Approved' }] } } : {}),
});
const nodes = ['shopstack-control-plane'];

describe("the kubelet's serving certificate requests the bring-up approves", () => {
  it("approves a node's own pending request for a serving certificate", () => {
    expect(isNodeServingRequest(request(), nodes)).toBe(true);
  });

  it('refuses any other signer, requester or usage, and a request already answered', () => {
    expect(isNodeServingRequest(request({ signerName: 'kubernetes.io/kube-apiserver-client-kubelet' }), nodes)).toBe(
      false,
    );
    expect(isNodeServingRequest(request({ username: 'system:serviceaccount:default:intruder' }), nodes)).toBe(false);
    expect(isNodeServingRequest(request({ username: 'system:node:another-node' }), nodes)).toBe(false);
    expect(isNodeServingRequest(request({ usages: ['digital signature', 'server auth', 'client auth'] }), nodes)).toBe(
      false,
    );
    expect(isNodeServingRequest(request({ approved: true }), nodes)).toBe(false);
  });
});

describe('metrics-server on kind', () => {
  const objects = metricsServerObjects('shopstack.local/metrics-server:v0.8.0') as {
    kind: string;
    spec?: { template?: { spec: { containers: { args: string[] }[] } } };
  }[];

  it("verifies the kubelet's certificate: no --kubelet-insecure-tls", () => {
    const args = objects.find((o) => o.kind === 'Deployment')?.spec?.template?.spec.containers[0]?.args ?? [];
    expect(args).toContain('--kubelet-use-node-status-port');
    expect(args.filter((a) => a.startsWith('--kubelet-insecure-tls'))).toEqual([]);
  });
});
