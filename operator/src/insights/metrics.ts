import type { Symptom } from './symptoms.ts';

/** One sample of the Prometheus text format. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The series the insights read from the services' /metrics (docs/operations.md, "Metrics"). */
export const insightSeries = {
  stuckOrders: 'shopstack_orders_stuck_pending',
  deadLetters: 'shopstack_deadletter_events_total',
} as const;

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The samples of `names` in a Prometheus text exposition; other series, comments and bad lines are skipped. */
export function parseSamples(text: string, names: readonly string[]): Sample[] {
  const wanted = new Set(names);
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = sampleLine.exec(line.trim());
    if (!match || !wanted.has(match[1] as string)) continue;
    const value = Number(match[3]);
    if (!Number.isFinite(value)) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(labelPair))
      labels[pair[1] as string] = (pair[2] as string).replace(/\\(.)/g, '$1');
    samples.push({ name: match[1] as string, labels, value });
  }
  return samples;
}

/** What one pod's /metrics said. */
export interface PodScrape {
  readonly pod: string;
  readonly samples: readonly Sample[];
}

/**
 * Symptoms in the services' metrics: orders stuck in PENDING past their payment deadline plus the margin
 * (reported by the replica that sweeps them), and events that reached a dead-letter topic.
 */
export function metricSymptoms(scrapes: readonly PodScrape[]): Symptom[] {
  const symptoms: Symptom[] = [];
  const stuck = Math.max(
    0,
    ...scrapes.flatMap((s) => s.samples.filter((x) => x.name === insightSeries.stuckOrders).map((x) => x.value)),
  );
  if (stuck > 0) {
    symptoms.push({
      reason: 'OrdersStuck',
      subject: 'orders',
      message: `orders: ${stuck}${stuck >= 100 ? '+' : ''} orders are still PENDING over a minute past their payment deadline, so their stock stays reserved; the expiry sweep is failing: check the orders service's logs and its state store`,
    });
  }
  const byTopic = new Map<string, { count: number; pods: Set<string> }>();
  for (const scrape of scrapes) {
    for (const sample of scrape.samples) {
      if (sample.name !== insightSeries.deadLetters || sample.value <= 0) continue;
      const topic = sample.labels.topic ?? 'unknown';
      const entry = byTopic.get(topic) ?? { count: 0, pods: new Set<string>() };
      entry.count += sample.value;
      entry.pods.add(scrape.pod);
      byTopic.set(topic, entry);
    }
  }
  for (const [topic, { count, pods }] of [...byTopic.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    symptoms.push({
      reason: 'DeadLetters',
      subject: topic,
      message: `${topic}: ${count} events were dead-lettered since ${[...pods].sort().join(', ')} started; each is logged by event id: find why it failed, replay or discard it (docs/operations.md, "Dead letters")`,
    });
  }
  return symptoms;
}
