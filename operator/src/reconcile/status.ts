import type { Condition, ConditionType, ShopStackStatus, WorkloadStatus } from '../crd/status.ts';
import { degradedVerdict } from '../insights/degraded.ts';
import type { Symptom } from '../insights/symptoms.ts';
import type { KubeObject } from '../kube/object.ts';

interface WorkloadFields {
  metadata: { generation?: number };
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
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
  const counts = [readyReplicas, status.updatedReplicas ?? 0];
  if (live.kind === 'Deployment') counts.push(status.availableReplicas ?? 0);
  return { replicas, readyReplicas, ready: observed && counts.every((count) => count >= replicas) };
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

/** The ShopStack status for what the reconcile saw: conditions Ready, Progressing and Degraded. */
export function computeStatus(input: StatusInput): ShopStackStatus {
  const { problem, previous } = input;
  const workloads = input.workloads ?? previous?.services ?? {};
  const names = Object.keys(workloads).sort();
  const waiting = names.filter((name) => !workloads[name]?.ready);
  const allReady = input.workloads !== undefined && waiting.length === 0;
  const progressing =
    input.workloads === undefined
      ? condition('Progressing', false, problem?.reason ?? 'Blocked', 'nothing is rolled out until the spec is fixed')
      : waiting.length > 0
        ? condition('Progressing', true, 'RollingOut', `waiting for ${waiting.join(', ')}`)
        : condition('Progressing', false, 'RolloutComplete', `all ${names.length} workloads are ready`);
  const { held } = input;
  const ready = problem
    ? condition('Ready', false, problem.reason, problem.message)
    : held
      ? condition('Ready', false, held.reason, held.message)
      : allReady
        ? condition('Ready', true, 'AllWorkloadsReady', `version ${input.version} is running`)
        : condition('Ready', false, 'WorkloadsNotReady', `waiting for ${waiting.join(', ')}`);
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
