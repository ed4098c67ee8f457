import { readFileSync } from 'node:fs';
import { request } from 'node:https';

/** Reads lists from the Kubernetes API; the view needs nothing else. */
export interface KubeReader {
  list(path: string): Promise<readonly unknown[]>;
}

const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';

/** A reader with the pod's service account: token re-read per request (it is rotated), the cluster CA. */
export function inClusterReader(dir: string = serviceAccountDir): KubeReader {
  const host = process.env.KUBERNETES_SERVICE_HOST;
  const port = process.env.KUBERNETES_SERVICE_PORT ?? '443';
  if (!host) throw new Error('KUBERNETES_SERVICE_HOST is not set: the Kubernetes source runs only inside a cluster');
  const ca = readFileSync(`${dir}/ca.crt`);
  return {
    list: (path) =>
      new Promise((resolve, reject) => {
        const token = readFileSync(`${dir}/token`, 'utf8').trim();
        const req = request(
          {
            host,
            port,
            path,
            method: 'GET',
            ca,
            timeout: 5000,
            headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const body = Buffer.concat(chunks).toString('utf8');
              if (res.statusCode !== 200) {
                reject(new Error(`GET ${path}: ${res.statusCode} ${body.slice(0, 200)}`));
                return;
              }
              resolve(((JSON.parse(body) as { items?: unknown[] }).items ?? []) as unknown[]);
            });
          },
        );
        req.on('timeout', () => req.destroy(new Error(`GET ${path}: timed out`)));
        req.on('error', reject);
        req.end();
      }),
  };
}

/** The namespace the pod runs in (the shop's). */
export function inClusterNamespace(dir: string = serviceAccountDir): string {
  return readFileSync(`${dir}/namespace`, 'utf8').trim();
}
