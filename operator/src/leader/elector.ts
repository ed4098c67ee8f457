import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { KubeClient } from '../kube/client.ts';
import { isStatus } from '../kube/errors.ts';
import type { KubeObject } from '../kube/object.ts';

export interface LeaderElectionOptions {
  readonly client: KubeClient;
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  /** How long a leader's claim lasts without renewal; a standby takes over after this. */
  readonly leaseDurationMs: number;
  /** A leader that cannot renew for this long steps down (shorter than the lease, so it quits first). */
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  readonly log: Logger;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

type Lease = KubeObject & { spec?: LeaseSpec };

function microTime(date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * Leader election on a coordination.k8s.io Lease, as client-go does it: expiry is judged by when this
 * process last saw the lease change (its own clock), never by comparing clocks across machines.
 */
export class LeaderElector {
  readonly #opts: LeaderElectionOptions;
  #observed: { record: string; at: number } | undefined;
  #leading = false;

  constructor(opts: LeaderElectionOptions) {
    this.#opts = opts;
  }

  get leading(): boolean {
    return this.#leading;
  }

  /** Resolves once this process holds the lease (or `signal` aborts). */
  async acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (await this.#tryAcquireOrRenew()) {
        this.#leading = true;
        this.#opts.log.info({ lease: this.#opts.name, identity: this.#opts.identity }, 'became the leader');
        return true;
      }
      await sleep(this.#opts.retryPeriodMs, undefined, { signal }).catch(() => {});
    }
    return false;
  }

  /** Renews until renewal fails for renewDeadlineMs or `signal` aborts; resolves when leadership ends. */
  async hold(signal: AbortSignal): Promise<'lost' | 'stopped'> {
    let lastRenew = Date.now();
    while (!signal.aborted) {
      await sleep(this.#opts.retryPeriodMs, undefined, { signal }).catch(() => {});
      if (signal.aborted) break;
      if (await this.#tryAcquireOrRenew()) {
        lastRenew = Date.now();
      } else if (Date.now() - lastRenew > this.#opts.renewDeadlineMs) {
        this.#leading = false;
        this.#opts.log.error({ lease: this.#opts.name }, 'lost the lease');
        return 'lost';
      }
    }
    return 'stopped';
  }

  /** Gives the lease up so a standby takes over at once instead of after the lease expires. */
  async release(): Promise<void> {
    if (!this.#leading) return;
    this.#leading = false;
    try {
      const lease = await this.#get();
      if (lease?.spec?.holderIdentity !== this.#opts.identity) return;
      await this.#opts.client.replace({
        ...lease,
        spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime() },
      });
      this.#opts.log.info({ lease: this.#opts.name }, 'released the lease');
    } catch (err) {
      this.#opts.log.warn({ err: (err as Error).message }, 'could not release the lease; it will expire');
    }
  }

  async #get(): Promise<Lease | undefined> {
    try {
      return await this.#opts.client.get<Lease>('Lease', this.#opts.namespace, this.#opts.name);
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const { client, identity, namespace, name } = this.#opts;
    const now = microTime();
    const durationSeconds = Math.ceil(this.#opts.leaseDurationMs / 1000);
    try {
      const lease = await this.#get();
      if (!lease) {
        await client.create({
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace },
          spec: {
            holderIdentity: identity,
            leaseDurationSeconds: durationSeconds,
            acquireTime: now,
            renewTime: now,
            leaseTransitions: 0,
          },
        });
        return true;
      }
      const spec = lease.spec ?? {};
      const record = JSON.stringify([spec.holderIdentity, spec.renewTime, spec.leaseDurationSeconds]);
      if (this.#observed?.record !== record) this.#observed = { record, at: Date.now() };
      const held = spec.holderIdentity && spec.holderIdentity !== identity;
      const expired = Date.now() > this.#observed.at + (spec.leaseDurationSeconds ?? 0) * 1000;
      if (held && !expired) return false;
      const transition = spec.holderIdentity !== identity;
      await client.replace({
        ...lease,
        spec: {
          holderIdentity: identity,
          leaseDurationSeconds: durationSeconds,
          acquireTime: transition ? now : spec.acquireTime,
          renewTime: now,
          leaseTransitions: (spec.leaseTransitions ?? 0) + (transition ? 1 : 0),
        },
      });
      return true;
    } catch (err) {
      // 409: someone else wrote the lease first; anything else: try again next period
      if (!isStatus(err, 409)) this.#opts.log.warn({ err: (err as Error).message }, 'lease request failed');
      return false;
    }
  }
}
