import { AppError, type SidecarAddress } from '@shopstack/kit';

/** Idempotency keys of provider charges still pending or with an undelivered webhook (query API). */
export async function findUnsettled(sidecar: SidecarAddress, storeName: string): Promise<string[]> {
  const res = await fetch(`http://${sidecar.host}:${sidecar.httpPort}/v1.0-alpha1/state/${storeName}/query`, {
    method: 'POST',
    headers: { 'dapr-api-token': sidecar.apiToken, 'content-type': 'application/json' },
    body: JSON.stringify({
      filter: {
        AND: [
          { EQ: { kind: 'provider-charge' } },
          { OR: [{ EQ: { status: 'pending' } }, { EQ: { webhookDue: true } }] },
        ],
      },
      page: { limit: 1000 },
    }),
  });
  if (!res.ok) throw new AppError(503, 'ledger query failed', { cause: `${res.status} ${await res.text()}` });
  if (res.status === 204) return [];
  const answer = (await res.json()) as { results?: { data: { idempotencyKey: string } }[] };
  return (answer.results ?? []).map((r) => r.data.idempotencyKey);
}
