import { describe, expect, it } from 'vitest';
import { isNodeServingRequest, metricsServerApiService, metricsServerObjects } from './metrics-server.ts';
import { serviceDnsNames } from './metrics-server-tls.ts';

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
  const tls = { caPem: 'CA PEM', certPem: 'CERT PEM', keyPem: 'KEY PEM' };
  const objects = metricsServerObjects('shopstack.local/metrics-server:v0.8.0', tls) as {
    kind: string;
    metadata: { name: string };
    stringData?: Record<string, string>;
    spec?: {
      template?: {
        spec: {
          containers: { args: string[] }[];
          volumes: { name: string; secret?: { secretName: string } }[];
          securityContext?: { fsGroup?: number };
        };
      };
    };
  }[];
  const deployment = objects.find((o) => o.kind === 'Deployment');
  const args = deployment?.spec?.template?.spec.containers[0]?.args ?? [];

  it("verifies the kubelet's certificate: no --kubelet-insecure-tls", () => {
    expect(args).toContain('--kubelet-use-node-status-port');
    expect(args.filter((a) => a.startsWith('--kubelet-insecure-tls'))).toEqual([]);
  });

  it('serves the certificate of its Secret, not a self-signed one', () => {
    expect(args).toEqual(
      expect.arrayContaining(['--tls-cert-file=/tls/tls.crt', '--tls-private-key-file=/tls/tls.key']),
    );
    const secret = objects.find((o) => o.kind === 'Secret');
    expect(secret?.stringData).toEqual({ 'tls.crt': 'CERT PEM', 'tls.key': 'KEY PEM' });
    expect(deployment?.spec?.template?.spec.volumes).toContainEqual({
      name: 'tls',
      secret: { secretName: secret?.metadata.name, defaultMode: 0o440 },
    });
    // readable by the pod's group, not by the world
    expect(deployment?.spec?.template?.spec.securityContext?.fsGroup).toBeGreaterThan(0);
  });

  it('leaves the APIService out of the workload: it is applied once the Service has a ready endpoint', () => {
    expect(objects.map((o) => o.kind)).not.toContain('APIService');
  });

  it('has the API server verify metrics-server against the CA, never skip verification', () => {
    const apiService = metricsServerApiService('CA PEM') as {
      spec: Record<string, unknown> & { service: { name: string; namespace: string } };
    };
    expect(apiService.spec.insecureSkipTLSVerify).toBeUndefined();
    expect(Buffer.from(apiService.spec.caBundle as string, 'base64').toString()).toBe('CA PEM');
    // the aggregator verifies <service>.<namespace>.svc: the first name the certificate carries
    expect(serviceDnsNames(apiService.spec.service.name, apiService.spec.service.namespace)[0]).toBe(
      'metrics-server.kube-system.svc',
    );
  });
});
