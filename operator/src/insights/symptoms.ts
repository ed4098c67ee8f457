/**
 * What is wrong with a running shop, read from its pods and its services' metrics: pure functions, so
 * every rule is tested without a cluster. Each symptom names what a person should look at or do.
 */

export interface Symptom {
  /** CamelCase, as a condition's reason and an Event's reason. */
  readonly reason: string;
  /** What it concerns (a workload, a topic), so that one symptom is announced once however often it is seen. */
  readonly subject: string;
  readonly message: string;
}

/** The fields of a Pod these rules read. */
export interface PodView {
  readonly metadata: {
    readonly name: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly creationTimestamp?: string;
    readonly deletionTimestamp?: string;
  };
  readonly spec?: {
    readonly containers?: readonly {
      readonly name: string;
      readonly ports?: readonly { readonly name?: string; readonly containerPort: number }[];
    }[];
  };
  readonly status?: {
    readonly phase?: string;
    readonly podIP?: string;
    readonly conditions?: readonly {
      readonly type: string;
      readonly status: string;
      readonly reason?: string;
      readonly message?: string;
      readonly lastTransitionTime?: string;
    }[];
    readonly containerStatuses?: readonly {
      readonly name: string;
      readonly restartCount?: number;
      readonly state?: { readonly waiting?: { readonly reason?: string; readonly message?: string } };
    }[];
  };
}

/** How long a data store's pod may stay unready (a start, a restart) before it is a symptom. */
export const dataStoreGraceMs = 60_000;

const nameLabel = 'app.kubernetes.io/name';
const componentLabel = 'app.kubernetes.io/component';
export const sidecarContainer = 'daprd';

function podCondition(pod: PodView, type: string) {
  return pod.status?.conditions?.find((c) => c.type === type);
}

function workloadOf(pod: PodView): string {
  return pod.metadata.labels?.[nameLabel] ?? pod.metadata.name;
}

/** Groups `pods` by workload into one symptom each, naming up to three pods. */
function grouped(
  pods: readonly PodView[],
  reason: string,
  describe: (workload: string, names: string, first: PodView) => string,
): Symptom[] {
  const byWorkload = new Map<string, PodView[]>();
  for (const pod of pods) byWorkload.set(workloadOf(pod), [...(byWorkload.get(workloadOf(pod)) ?? []), pod]);
  return [...byWorkload.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([workload, group]) => {
      const names = group.map((p) => p.metadata.name).sort();
      const shown = `${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''}`;
      return { reason, subject: workload, message: describe(workload, shown, group[0] as PodView) };
    });
}

/** `Insufficient cpu` and the like, out of the scheduler's message (`0/1 nodes are available: 1 Insufficient cpu. ...`). */
export function unschedulableResources(message: string): string[] {
  return [
    ...new Set([...message.matchAll(/Insufficient ([A-Za-z0-9./-]*[A-Za-z0-9])/g)].map((m) => m[1] as string)),
  ].sort();
}

/** Symptoms of the shop's pods (those of one ShopStack, its services and data stores). */
export function podSymptoms(pods: readonly PodView[], now: Date): Symptom[] {
  const live = pods.filter((pod) => !pod.metadata.deletionTimestamp && pod.status?.phase !== 'Succeeded');
  const apps = live.filter((pod) => pod.metadata.labels?.[componentLabel] === 'app');

  const noSidecar = apps.filter((pod) => !pod.spec?.containers?.some((c) => c.name === sidecarContainer));
  const crashing = live.filter((pod) =>
    pod.status?.containerStatuses?.some((c) => c.state?.waiting?.reason === 'CrashLoopBackOff'),
  );
  const unschedulable = live.filter((pod) => {
    const scheduled = podCondition(pod, 'PodScheduled');
    return scheduled?.status === 'False' && scheduled.reason === 'Unschedulable';
  });
  const storesDown = live.filter((pod) => {
    if (!['database', 'cache'].includes(pod.metadata.labels?.[componentLabel] ?? '')) return false;
    if (unschedulable.includes(pod) || crashing.includes(pod)) return false;
    const ready = podCondition(pod, 'Ready');
    if (ready?.status === 'True') return false;
    const since = Date.parse(ready?.lastTransitionTime ?? pod.metadata.creationTimestamp ?? '');
    return Number.isFinite(since) && now.getTime() - since >= dataStoreGraceMs;
  });

  return [
    ...grouped(unschedulable, 'PodsUnschedulable', (workload, names, first) => {
      const message = podCondition(first, 'PodScheduled')?.message ?? '';
      const short = unschedulableResources(message);
      const what = short.length > 0 ? short.map((r) => `Insufficient ${r}`).join(', ') : message || 'no node fits';
      return `${workload}: pods ${names} cannot be scheduled (${what}); free capacity on the nodes, add a node, or lower ${workload}'s resource requests in the ShopStack spec`;
    }),
    ...grouped(crashing, 'CrashLooping', (workload, names, first) => {
      const container = first.status?.containerStatuses?.find((c) => c.state?.waiting?.reason === 'CrashLoopBackOff');
      return `${workload}: container ${container?.name ?? '?'} of ${names} keeps crashing (${container?.restartCount ?? 0} restarts); read its last log with kubectl logs --previous ${first.metadata.name} -c ${container?.name ?? ''}`;
    }),
    ...grouped(
      noSidecar,
      'SidecarMissing',
      (workload, names) =>
        `${workload}: pods ${names} run without their ${sidecarContainer} sidecar, so they cannot reach any other service; check that Dapr's sidecar injector is running, then delete the pods`,
    ),
    ...grouped(storesDown, 'DataStoreNotReady', (workload, names) => {
      const ready = podCondition(storesDown.find((p) => workloadOf(p) === workload) as PodView, 'Ready');
      return `${workload}: pods ${names} not ready for over ${dataStoreGraceMs / 1000}s${ready?.message ? ` (${ready.message})` : ''}; the services that use it fail meanwhile: check its events and logs`;
    }),
  ];
}
