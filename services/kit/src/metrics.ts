import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  counter(name: string, help: string, labelNames?: readonly string[]): Counter<string>;
  gauge(name: string, help: string, labelNames?: readonly string[]): Gauge<string>;
}

/** A per-app Prometheus registry with process metrics and request durations. */
export function createMetrics(service: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  // event-loop lag sampled every 100 ms: prom-client's default of 10 ms wakes an idle process ~200 times a
  // second, 3-4 ms of CPU per second in each app; a 100 ms sample still catches every block that matters
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
  const httpDuration = new Histogram({
    name: 'http_server_duration_seconds',
    help: 'HTTP request durations by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return {
    registry,
    httpDuration,
    // get-or-create: two routes may count into the same business counter
    counter: (name, help, labelNames = []) =>
      (registry.getSingleMetric(name) as Counter<string> | undefined) ??
      new Counter({ name, help, labelNames, registers: [registry] }),
    gauge: (name, help, labelNames = []) =>
      (registry.getSingleMetric(name) as Gauge<string> | undefined) ??
      new Gauge({ name, help, labelNames, registers: [registry] }),
  };
}
