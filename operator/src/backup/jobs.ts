import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/object.ts';

/** How far a backup or restore Job got, and what its last pod said. */
export interface JobOutcome {
  readonly state: 'pending' | 'running' | 'succeeded' | 'failed';
  readonly startTime?: string;
  readonly completionTime?: string;
  /** The pod's termination message: the result as JSON on success, the end of its log on failure. */
  readonly message?: string;
}

interface JobFields {
  status?: {
    startTime?: string;
    completionTime?: string;
    active?: number;
    conditions?: { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }[];
  };
}

interface PodFields {
  metadata: { creationTimestamp?: string };
  status?: {
    containerStatuses?: { state?: { terminated?: { message?: string; reason?: string; exitCode?: number } } }[];
  };
}

async function lastPodMessage(client: KubeClient, job: KubeObject): Promise<string | undefined> {
  const pods = await client.list('Pod', {
    namespace: job.metadata.namespace,
    labelSelector: `batch.kubernetes.io/job-name=${job.metadata.name}`,
  });
  const [latest] = (pods.items as unknown as PodFields[]).sort((a, b) =>
    (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''),
  );
  const terminated = latest?.status?.containerStatuses?.[0]?.state?.terminated;
  if (!terminated) return undefined;
  return (
    terminated.message?.trim() ||
    `the container ended with ${terminated.reason ?? 'an error'} (exit code ${terminated.exitCode ?? '?'})`
  );
}

/** Reads a Job's state from the watch cache, and its pod's termination message once it has finished. */
export async function jobOutcome(client: KubeClient, job: KubeObject): Promise<JobOutcome> {
  const status = (job as JobFields).status ?? {};
  const done = (type: string) => status.conditions?.find((c) => c.type === type && c.status === 'True');
  const complete = done('Complete');
  const failed = done('Failed');
  const startTime = status.startTime;
  if (complete) {
    const message = await lastPodMessage(client, job);
    return {
      state: 'succeeded',
      ...(startTime && { startTime }),
      completionTime: status.completionTime ?? complete.lastTransitionTime ?? new Date().toISOString(),
      ...(message && { message }),
    };
  }
  if (failed) {
    const message = (await lastPodMessage(client, job)) ?? failed.message ?? failed.reason ?? 'the Job failed';
    return {
      state: 'failed',
      ...(startTime && { startTime }),
      completionTime: failed.lastTransitionTime ?? new Date().toISOString(),
      message,
    };
  }
  return { state: startTime ? 'running' : 'pending', ...(startTime && { startTime }) };
}

/** The last non-empty line of a failure message: the error itself, without the progress before it. */
export function lastLine(message: string): string {
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.at(-1) ?? message;
}

/** Bytes as a Kubernetes-style quantity with one decimal: 512, 12.3Ki, 1.5Mi, 2.0Gi. */
export function formatSize(bytes: number): string {
  const units = ['Ki', 'Mi', 'Gi', 'Ti'];
  if (bytes < 1024) return String(bytes);
  let value = bytes;
  let unit = '';
  for (const next of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  return `${value.toFixed(1)}${unit}`;
}
