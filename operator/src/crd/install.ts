import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/object.ts';
import { crdName, shopStackCrd } from './crd.ts';

interface CrdStatus {
  status?: { conditions?: { type: string; status: string }[] };
}

/** Applies the ShopStack CRD (server-side, idempotent) and waits until the API serves it. */
export async function installCrd(client: KubeClient, timeoutMs = 30_000): Promise<void> {
  await client.apply(shopStackCrd() as KubeObject, { force: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const crd = await client.get<KubeObject & CrdStatus>('CustomResourceDefinition', undefined, crdName);
    if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return;
    if (Date.now() > deadline) throw new Error(`CRD ${crdName} was not Established within ${timeoutMs} ms`);
    await sleep(200);
  }
}
