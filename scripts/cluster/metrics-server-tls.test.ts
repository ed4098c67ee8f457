import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureMetricsServerCertificate } from './metrics-server-tls.ts';

const dir = mkdtempSync(join(tmpdir(), 'metrics-server-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const service = { name: 'metrics-server', namespace: 'kube-system' };

describe("metrics-server's serving certificate", () => {
  it("is signed by the CA the APIService names, for the name the API server's aggregator verifies", async () => {
    const lines: string[] = [];
    const tls = await ensureMetricsServerCertificate(service, (l) => lines.push(l), dir);
    const cert = new x509.X509Certificate(tls.certPem);
    const ca = new x509.X509Certificate(tls.caPem);
    expect(await cert.verify({ publicKey: ca.publicKey, signatureOnly: true })).toBe(true);
    expect(cert.issuer).toBe(ca.subject);
    const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
    expect(san?.names.items.map((n) => n.value)).toContain('metrics-server.kube-system.svc');
    const usage = cert.getExtension(x509.ExtendedKeyUsageExtension);
    expect(usage?.usages).toEqual([x509.ExtendedKeyUsage.serverAuth]);
    expect(tls.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(lines).toHaveLength(1);
  });

  it('is made once and reused while it stays valid', async () => {
    const first = await ensureMetricsServerCertificate(service, () => {}, dir);
    const lines: string[] = [];
    const again = await ensureMetricsServerCertificate(service, (l) => lines.push(l), dir);
    expect(again).toEqual(first);
    expect(lines).toEqual([]);
  });
});
