import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/object.ts';
import { shopStackBackupCrd, shopStackCrd } from './crd.ts';

interface CrdStatus {
  status?: { conditions?: { type: string; status: string }[] };
}

/** Applies the ShopStack and ShopStackBackup CRDs (server-side, idempotent) and waits until the API serves them. */
export async function installCrd(client: KubeClient, timeoutMs = 30_000): Promise<void> {
  for (const crd of [shopStackCrd(), shopStackBackupCrd()] as KubeObject[]) {
    await client.apply(crd, { force: true });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = await client.get<KubeObject & CrdStatus>(
        'CustomResourceDefinition',
        undefined,
        crd.metadata.name,
      );
      if (current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata.name} was not Established within ${timeoutMs} ms`);
      await sleep(200);
    }
  }
}
