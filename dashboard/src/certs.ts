import { X509Certificate } from 'node:crypto';
import type { CertificateView, Health } from './model.ts';

const dayMs = 24 * 60 * 60 * 1000;

function healthOf(daysLeft: number): Health {
  if (daysLeft < 0) return 'unhealthy';
  return daysLeft < 30 ? 'degraded' : 'healthy';
}

/** The first certificate of a PEM bundle, as the page shows it (public data only: subject and expiry). */
export function certificateView(name: string, pem: string, now: Date = new Date()): CertificateView {
  const first = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  if (!first) throw new Error(`${name}: no PEM certificate found`);
  const cert = new X509Certificate(first);
  const notAfter = new Date(cert.validTo);
  const daysLeft = Math.floor((notAfter.getTime() - now.getTime()) / dayMs);
  return {
    name,
    subject: cert.subject.replace(/\n/g, ', '),
    notAfter: notAfter.toISOString(),
    daysLeft,
    health: healthOf(daysLeft),
  };
}
