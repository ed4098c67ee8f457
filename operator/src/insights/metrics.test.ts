import { describe, expect, it } from 'vitest';
import { metricSymptoms, parseSamples } from './metrics.ts';

const exposition = `# HELP shopstack_deadletter_events_total Events that reached a dead-letter topic, by topic
# TYPE shopstack_deadletter_events_total counter
shopstack_deadletter_events_total{topic="orders-deadletter",service="payments"} 3
shopstack_deadletter_events_total{topic="payments-deadletter",service="payments"} 0
shopstack_orders_stuck_pending{service="orders"} 2
http_server_duration_seconds_bucket{le="0.1",route="/x"} 12
shopstack_orders_stuck_pending{service="orders"} NaN
not a sample line
`;

describe('parseSamples', () => {
  it('reads the named series with their labels and skips the rest', () => {
    expect(parseSamples(exposition, ['shopstack_deadletter_events_total', 'shopstack_orders_stuck_pending'])).toEqual([
      {
        name: 'shopstack_deadletter_events_total',
        labels: { topic: 'orders-deadletter', service: 'payments' },
        value: 3,
      },
      {
        name: 'shopstack_deadletter_events_total',
        labels: { topic: 'payments-deadletter', service: 'payments' },
        value: 0,
      },
      { name: 'shopstack_orders_stuck_pending', labels: { service: 'orders' }, value: 2 },
    ]);
  });

  it('unescapes label values', () => {
    expect(parseSamples('x{a="q\\"uote"} 1', ['x'])[0]?.labels).toEqual({ a: 'q"uote' });
  });
});

describe('metricSymptoms', () => {
  const scrape = (pod: string, text: string) => ({
    pod,
    samples: parseSamples(text, ['shopstack_deadletter_events_total', 'shopstack_orders_stuck_pending']),
  });

  it('finds nothing when no order is stuck and no event was dead-lettered', () => {
    expect(
      metricSymptoms([
        scrape('orders-a', 'shopstack_orders_stuck_pending 0'),
        scrape('payments-a', 'shopstack_deadletter_events_total{topic="orders-deadletter"} 0'),
      ]),
    ).toEqual([]);
  });

  it('reports stuck orders once, from the replica that sweeps', () => {
    const symptoms = metricSymptoms([
      scrape('orders-a', 'shopstack_orders_stuck_pending 0'),
      scrape('orders-b', 'shopstack_orders_stuck_pending 4'),
    ]);
    expect(symptoms).toHaveLength(1);
    expect(symptoms[0]).toMatchObject({ reason: 'OrdersStuck', subject: 'orders' });
    expect(symptoms[0]?.message).toContain('4 orders are still PENDING');
  });

  it('adds up dead letters per topic over the consumers, naming them', () => {
    const symptoms = metricSymptoms([
      scrape('payments-a', 'shopstack_deadletter_events_total{topic="orders-deadletter"} 2'),
      scrape('notifications-a', 'shopstack_deadletter_events_total{topic="orders-deadletter"} 1'),
    ]);
    expect(symptoms).toEqual([expect.objectContaining({ reason: 'DeadLetters', subject: 'orders-deadletter' })]);
    expect(symptoms[0]?.message).toContain('3 events were dead-lettered since notifications-a, payments-a started');
  });
});
