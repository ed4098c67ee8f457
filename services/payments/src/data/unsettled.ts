import type { StateStore } from '@shopstack/kit';

/** Idempotency keys of provider charges still pending or with an undelivered webhook (the state query API). */
export async function findUnsettled(ledger: StateStore): Promise<string[]> {
  const { results } = await ledger.query<{ idempotencyKey: string }>({
    filter: {
      AND: [{ EQ: { kind: 'provider-charge' } }, { OR: [{ EQ: { status: 'pending' } }, { EQ: { webhookDue: true } }] }],
    },
    page: { limit: 1000 },
  });
  return results.map((r) => r.data.idempotencyKey);
}
