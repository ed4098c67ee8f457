import { appPort, observedServices } from '@shopstack/cdk8s';
import type { Logger } from 'pino';
import { insightSeries, metricSymptoms, parseSamples, type PodScrape } from './metrics.ts';
import type { PodView, Symptom } from './symptoms.ts';

/** How long one shop's metric symptoms are reused before its pods are scraped again. */
export const scrapeIntervalMs = 30_000;
const scrapeTimeoutMs = 2_000;
const observed = new Set<string>(observedServices);

/** The address of a ready pod's /metrics: its IP and its app's `http` container port. */
function metricsUrl(pod: PodView): string | undefined {
  const workload = pod.metadata.labels?.['app.kubernetes.io/name'] ?? '';
  const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  if (!observed.has(workload) || !ready || !pod.status?.podIP) return undefined;
  const container = pod.spec?.containers?.find((c) => c.name === workload);
  const port = container?.ports?.find((p) => p.name === 'http')?.containerPort ?? appPort;
  const host = pod.status.podIP.includes(':') ? `[${pod.status.podIP}]` : pod.status.podIP;
  return `http://${host}:${port}/metrics`;
}

/**
 * Reads the shop's symptoms from its services' /metrics: a plain GET to each ready orders and consumer
 * pod, no credentials, at most every `scrapeIntervalMs` per shop while its pods stay the same. A pod that does not answer is skipped
 * (its own probes and the pod symptoms speak for it).
 */
export class MetricsProbe {
  readonly #log: Logger;
  readonly #last = new Map<string, { at: number; targets: string; symptoms: Symptom[] }>();

  constructor(opts: { readonly log: Logger }) {
    this.#log = opts.log;
  }

  async symptoms(shop: string, pods: readonly PodView[], nowMs: number): Promise<Symptom[]> {
    const targets = pods.flatMap((pod) => {
      const url = metricsUrl(pod);
      return url ? [{ pod: pod.metadata.name, url }] : [];
    });
    // a pod that became ready (or went away) is read at once; otherwise every scrapeIntervalMs
    const key = targets.map((t) => t.url).join(' ');
    const last = this.#last.get(shop);
    if (last && last.targets === key && nowMs - last.at < scrapeIntervalMs) return last.symptoms;
    const scrapes = await Promise.all(targets.map((target) => this.#scrape(target.pod, target.url)));
    const symptoms = metricSymptoms(scrapes.filter((s): s is PodScrape => s !== undefined));
    this.#last.set(shop, { at: nowMs, targets: key, symptoms });
    return symptoms;
  }

  forget(shop: string): void {
    this.#last.delete(shop);
  }

  async #scrape(pod: string, url: string): Promise<PodScrape | undefined> {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(scrapeTimeoutMs), redirect: 'error' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return { pod, samples: parseSamples(await res.text(), Object.values(insightSeries)) };
    } catch (err) {
      this.#log.debug({ pod, err: (err as Error).message }, 'could not read metrics');
      return undefined;
    }
  }
}
