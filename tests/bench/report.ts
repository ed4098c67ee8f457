import type { CpuPerOp } from './cpu.ts';

/** What a scenario hands back: figures for the console table, and CPU per operation by process. */
export interface ScenarioReport {
  readonly summary: Record<string, number | string>;
  /** Per measurement (e.g. `product list`), milliseconds of CPU per operation of each process. */
  readonly cpuPerOp?: Readonly<Record<string, CpuPerOp>>;
}
