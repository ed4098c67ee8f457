import type { Condition, ConditionType, ShopStackStatus, WorkloadStatus } from '../crd/status.ts';
import { degradedVerdict } from '../insights/degraded.ts';
import type { Symptom } from '../insights/symptoms.ts';
import type { KubeObject } from '../kube/object.ts';

interface WorkloadFields {
  metadata: { generation?: number };
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
  };
}

/**
 * Readiness as `kubectl rollout status` sees it: the controller has seen the latest spec, and every
 * wanted replica is updated and ready (and, for Deployments, available).
 */
export function workloadStatus(desired: KubeObject, live: KubeObject | undefined): WorkloadStatus {
  // with autoscaling the desired Deployment leaves replicas to the autoscaler: the live count is the wanted one
  const replicas =
    (desired as unknown as WorkloadFields).spec?.replicas ??
    (live as unknown as WorkloadFields | undefined)?.spec?.replicas ??
    1;
  if (!live) return { replicas, readyReplicas: 0, ready: false };
  const { metadata, status = {} } = live as unknown as WorkloadFields;
  const readyReplicas = status.readyReplicas ?? 0;
  const observed = (status.observedGeneration ?? 0) >= (metadata.generation ?? 0);
  const updated = status.updatedReplicas ?? 0;
  const counts = [readyReplicas, updated];
  if (live.kind === 'Deployment') counts.push(status.availableReplicas ?? 0);
  // a Deployment whose old pods still run (a roll's last step) is not done either
  const oldPodsGone = live.kind !== 'Deployment' || (status.replicas ?? 0) <= updated;
  return { replicas, readyReplicas, ready: observed && oldPodsGone && counts.every((count) => count >= replicas) };
}

export interface Problem {
  readonly reason: string;
  readonly message: string;
}

export interface StatusInput {
  readonly generation: number;
  readonly version: string;
  readonly previous: ShopStackStatus | undefined;
  /** By workload name; undefined when nothing could be rendered (an invalid spec). */
  readonly workloads: Record<string, WorkloadStatus> | undefined;
  readonly problem?: Problem;
  /** Not Ready yet though nothing is wrong, e.g. a restore the services wait for. */
  readonly held?: Problem;
  /** What the shop's pods and metrics show (insights/symptoms.ts); they make it Degraded, not unready. */
  readonly symptoms?: readonly Symptom[];
  readonly now: string;
}

function condition(
  type: ConditionType,
  ok: boolean,
  reason: string,
  message: string,
): Omit<Condition, 'lastTransitionTime'> {
  return { type, status: ok ? 'True' : 'False', reason, message };
}

/** Keeps lastTransitionTime unless the condition's status flipped, so an unchanged status compares equal. */
function withTransitions(
  next: Omit<Condition, 'lastTransitionTime'>[],
  previous: Condition[] | undefined,
  generation: number,
  now: string,
): Condition[] {
  return next.map((c) => {
    const before = previous?.find((p) => p.type === c.type);
    const lastTransitionTime = before && before.status === c.status ? before.lastTransitionTime : now;
    return { ...c, observedGeneration: generation, lastTransitionTime };
  });
}

/** The managed data stores' workloads (by name label), and the reason Ready gives while one is down. */
const dataStores: Readonly<Record<string, string>> = { postgres: 'DatabaseUnavailable', redis: 'RedisUnavailable' };

/** Ready while no problem: the data stores first (everything depends on them), then an upgrade, then the rest. */
function readyCondition(
  input: StatusInput,
  waiting: readonly string[],
  upgrade: string | undefined,
): Omit<Condition, 'lastTransitionTime'> {
  const { problem, held } = input;
  if (problem) return condition('Ready', false, problem.reason, problem.message);
  if (held) return condition('Ready', false, held.reason, held.message);
  const store = waiting.find((name) => name in dataStores);
  if (store && input.workloads) {
    const { readyReplicas, replicas } = input.workloads[store] ?? { readyReplicas: 0, replicas: 1 };
    const reason = dataStores[store] ?? 'WorkloadsNotReady';
    return condition('Ready', false, reason, `${store} is not ready (${readyReplicas}/${replicas} replicas)`);
  }
  if (input.workloads !== undefined && waiting.length === 0) {
    return condition('Ready', true, 'AllWorkloadsReady', `version ${input.version} is running`);
  }
  if (upgrade) return condition('Ready', false, 'Upgrading', upgrade);
  return condition('Ready', false, 'WorkloadsNotReady', `waiting for ${waiting.join(', ')}`);
}

/**
 * While `spec.version` differs from the version running (`status.version`, set once every workload ran it):
 * "upgrading from A to B: rolled x, y (2 of 8 services); waiting for ...". Services are the workloads other
 * than the data stores, which a version change does not roll.
 */
function upgradeMessage(input: StatusInput, names: readonly string[], waiting: readonly string[]): string | undefined {
  const from = input.previous?.version;
  if (!from || from === input.version || input.workloads === undefined) return undefined;
  const services = names.filter((name) => !(name in dataStores));
  const rolled = services.filter((name) => !waiting.includes(name));
  const left = services.filter((name) => waiting.includes(name));
  return (
    `upgrading from ${from} to ${input.version}: rolled ${rolled.join(', ') || 'none yet'} ` +
    `(${rolled.length} of ${services.length} services)${left.length ? `; waiting for ${left.join(', ')}` : ''}`
  );
}

/** The ShopStack status for what the reconcile saw: conditions Ready, Progressing and Degraded. */
export function computeStatus(input: StatusInput): ShopStackStatus {
  const { problem, previous } = input;
  const workloads = input.workloads ?? previous?.services ?? {};
  const names = Object.keys(workloads).sort();
  const waiting = names.filter((name) => !workloads[name]?.ready);
  const allReady = input.workloads !== undefined && waiting.length === 0;
  const upgrade = upgradeMessage(input, names, waiting);
  const progressing =
    input.workloads === undefined
      ? condition('Progressing', false, problem?.reason ?? 'Blocked', 'nothing is rolled out until the spec is fixed')
      : waiting.length > 0
        ? upgrade
          ? condition('Progressing', true, 'Upgrading', upgrade)
          : condition('Progressing', true, 'RollingOut', `waiting for ${waiting.join(', ')}`)
        : condition('Progressing', false, 'RolloutComplete', `all ${names.length} workloads are ready`);
  const { held } = input;
  const ready = readyCondition(input, waiting, upgrade);
  const verdict = degradedVerdict(problem, input.symptoms ?? []);
  const degraded = condition('Degraded', verdict.degraded, verdict.reason, verdict.message);
  return {
    observedGeneration: input.generation,
    version: allReady && !problem && !held ? input.version : previous?.version,
    readyServices: `${names.length - waiting.length}/${names.length}`,
    conditions: withTransitions(
      [ready, held && !problem ? condition('Progressing', true, held.reason, held.message) : progressing, degraded],
      previous?.conditions,
      input.generation,
      input.now,
    ),
    services: workloads,
  };
}
