/**
 * Leader election on a coordination.k8s.io/v1 Lease, fenced by resourceVersion: a candidate takes
 * the Lease (create, or an update carrying the resourceVersion it read) when it is free or its
 * holder stopped renewing for leaseDuration; the leader renews with the resourceVersion of its own
 * last write, so a renewal that meets any other write (409 Conflict) loses leadership at once —
 * two electors never both believe they lead past one renewal.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { StatusError, statusError } from '../api/status';
import type { KObject } from '../registry/types';
import type { ClientLogger } from './informer';
import type { Client, GVR, Transport } from './types';

export const LEASE_GVR: GVR = Object.freeze({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases' });

export interface LeaderElectionOptions {
  client: Client;
  namespace: string;
  name: string;
  /** unique per candidate (hostname + random suffix) */
  identity: string;
  /** how long a non-renewed lease stays valid for others (default 15 s) */
  leaseDurationMs?: number;
  /** the leader gives up when it could not renew for this long (default 10 s) */
  renewDeadlineMs?: number;
  /** how often candidates try and the leader renews (default 2 s) */
  retryPeriodMs?: number;
  /** leadership began: `signal` aborts when it ends */
  onStartedLeading(signal: AbortSignal): void;
  /** leadership ended (lost, or released on stop) */
  onStoppedLeading?(): void;
  /** another identity (or none) holds the lease now */
  onNewLeader?(identity: string): void;
  logger?: ClientLogger;
}

interface LeaseObject extends KObject {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

function microTime(d = new Date()): string {
  return d.toISOString().replace(/(\.\d{3})Z$/, '$1000Z');
}

function isCode(err: unknown, code: number): boolean {
  return err instanceof StatusError && err.code === code;
}

export class LeaderElector {
  private leading = false;
  private lease?: LeaseObject;
  private observedRecord = '';
  private observedAt = 0;
  private lastRenew = 0;
  private leaderAbort?: AbortController;
  private readonly stopController = new AbortController();
  private loopDone?: Promise<void>;
  private lastObservedLeader = '';
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;

  constructor(private readonly opts: LeaderElectionOptions) {
    this.leaseDurationMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = opts.retryPeriodMs ?? 2_000;
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** Begin campaigning (returns at once; the loop runs until `stop`). */
  start(): void {
    this.loopDone ??= this.loop();
  }

  /** Stop campaigning; a leader releases the Lease so another candidate takes over at once. */
  async stop(): Promise<void> {
    this.stopController.abort();
    await this.loopDone;
    if (this.leading) {
      await this.release().catch(() => undefined);
      this.loseLeadership('stopped');
    }
  }

  /** One acquire-or-renew attempt; true when this elector leads afterwards (exposed for tests). */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { client, namespace, name, identity } = this.opts;
    const now = new Date();
    if (this.leading && this.lease) {
      // renewal: fenced by the resourceVersion of our own last write
      const next = this.withSpec(this.lease, { renewTime: microTime(now), holderIdentity: identity });
      try {
        this.lease = await client.update<LeaseObject>(LEASE_GVR, next);
        this.lastRenew = Date.now();
        return true;
      } catch (err) {
        if (isCode(err, 409) || isCode(err, 404)) {
          this.opts.logger?.warn({ identity }, 'leader election: the lease changed under us (stale resourceVersion); leadership lost');
          this.loseLeadership('fenced');
          return false;
        }
        throw err;
      }
    }
    let current: LeaseObject | undefined;
    try {
      current = await client.get<LeaseObject>(LEASE_GVR, { namespace, name });
    } catch (err) {
      if (!isCode(err, 404)) throw err;
    }
    if (!current) {
      const lease: LeaseObject = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { namespace, name },
        spec: { holderIdentity: identity, leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000), acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 },
      };
      try {
        this.lease = await client.create<LeaseObject>(LEASE_GVR, lease);
      } catch (err) {
        if (isCode(err, 409)) return false;
        throw err;
      }
      this.becomeLeader();
      return true;
    }
    const spec = current.spec ?? {};
    const record = `${spec.holderIdentity ?? ''}|${spec.renewTime ?? ''}|${spec.acquireTime ?? ''}`;
    if (record !== this.observedRecord) {
      this.observedRecord = record;
      this.observedAt = Date.now();
    }
    const holder = spec.holderIdentity ?? '';
    if (holder !== this.lastObservedLeader) {
      this.lastObservedLeader = holder;
      this.opts.onNewLeader?.(holder);
    }
    const duration = (spec.leaseDurationSeconds ?? this.leaseDurationMs / 1000) * 1000;
    if (holder && holder !== identity && Date.now() < this.observedAt + duration) return false;
    const transitions = (spec.leaseTransitions ?? 0) + (holder === identity ? 0 : 1);
    const next = this.withSpec(current, {
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
      acquireTime: holder === identity ? (spec.acquireTime ?? microTime(now)) : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: transitions,
    });
    try {
      this.lease = await client.update<LeaseObject>(LEASE_GVR, next);
    } catch (err) {
      if (isCode(err, 409)) return false;
      throw err;
    }
    this.becomeLeader();
    return true;
  }

  private withSpec(lease: LeaseObject, spec: NonNullable<LeaseObject['spec']>): LeaseObject {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { ...lease.metadata },
      spec: { ...(lease.spec ?? {}), ...spec },
    };
  }

  private becomeLeader(): void {
    this.lastRenew = Date.now();
    if (this.leading) return;
    this.leading = true;
    this.lastObservedLeader = this.opts.identity;
    this.leaderAbort = new AbortController();
    this.opts.onNewLeader?.(this.opts.identity);
    try {
      this.opts.onStartedLeading(this.leaderAbort.signal);
    } catch (err) {
      this.opts.logger?.error({ err }, 'onStartedLeading threw');
    }
  }

  private loseLeadership(why: string): void {
    if (!this.leading) return;
    this.leading = false;
    this.lease = undefined;
    this.observedRecord = '';
    this.leaderAbort?.abort(new Error(`leadership ${why}`));
    this.leaderAbort = undefined;
    try {
      this.opts.onStoppedLeading?.();
    } catch (err) {
      this.opts.logger?.error({ err }, 'onStoppedLeading threw');
    }
  }

  private async release(): Promise<void> {
    if (!this.lease) return;
    const released = this.withSpec(this.lease, { holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime() });
    await this.opts.client.update(LEASE_GVR, released);
  }

  private async loop(): Promise<void> {
    const stop = this.stopController.signal;
    while (!stop.aborted) {
      try {
        await this.tryAcquireOrRenew();
      } catch (err) {
        this.opts.logger?.warn({ err }, 'leader election attempt failed');
      }
      if (this.leading && Date.now() - this.lastRenew > this.renewDeadlineMs) this.loseLeadership('renew deadline passed');
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, this.retryPeriodMs);
        function done() {
          clearTimeout(t);
          stop.removeEventListener('abort', done);
          resolve();
        }
        stop.addEventListener('abort', done, { once: true });
      });
    }
  }
}

/** The `leaderElection` option of a component plugin (the --leader-elect* flags of kube-controller-manager and kube-scheduler). */
export interface LeaderElectionConfig {
  enabled?: boolean;
  namespace?: string;
  name?: string;
  identity?: string;
  leaseDurationSeconds?: number;
  renewDeadlineSeconds?: number;
  retryPeriodSeconds?: number;
}

/** The JSON schema of a component's `leaderElection` option, its Lease named `leaseName` by default. */
export function leaderElectionOptionsSchema(leaseName: string) {
  return {
    type: 'object',
    additionalProperties: false,
    default: {},
    properties: {
      enabled: { type: 'boolean', default: true },
      namespace: { type: 'string', minLength: 1, default: 'kube-system' },
      name: { type: 'string', minLength: 1, default: leaseName },
      identity: { type: 'string', minLength: 1 },
      leaseDurationSeconds: { type: 'number', exclusiveMinimum: 0, default: 15 },
      renewDeadlineSeconds: { type: 'number', exclusiveMinimum: 0, default: 10 },
      retryPeriodSeconds: { type: 'number', exclusiveMinimum: 0, default: 2 },
    },
  } as const;
}

/** A candidate identity as client-go builds it: the configured one, or hostname_<random>. */
export function candidateIdentity(config: LeaderElectionConfig | undefined): string {
  return config?.identity ?? `${os.hostname()}_${randomBytes(6).toString('hex')}`;
}

/**
 * Start a component's leader election from its `leaderElection` option; with `enabled: false` the
 * component leads at once (for the life of the process) and no elector is returned.
 */
export function electLeader(
  config: LeaderElectionConfig | undefined,
  base: Pick<LeaderElectionOptions, 'client' | 'identity' | 'logger' | 'onStartedLeading' | 'onStoppedLeading'> & { leaseName: string },
): LeaderElector | undefined {
  const le = config ?? {};
  if (le.enabled === false) {
    base.onStartedLeading(new AbortController().signal);
    return undefined;
  }
  const elector = new LeaderElector({
    client: base.client,
    namespace: le.namespace ?? 'kube-system',
    name: le.name ?? base.leaseName,
    identity: base.identity,
    leaseDurationMs: (le.leaseDurationSeconds ?? 15) * 1000,
    renewDeadlineMs: (le.renewDeadlineSeconds ?? 10) * 1000,
    retryPeriodMs: (le.retryPeriodSeconds ?? 2) * 1000,
    logger: base.logger,
    onStartedLeading: base.onStartedLeading,
    onStoppedLeading: base.onStoppedLeading,
  });
  elector.start();
  return elector;
}

/**
 * A transport that refuses writes (503 ServiceUnavailable) while `leading()` is false: a component
 * that lost its Lease cannot write with a client built on it, even from work already in flight.
 */
export function fencedTransport(inner: Transport, leading: () => boolean, component: string): Transport {
  return {
    description: inner.description,
    request: async (req) => {
      if (req.method !== 'GET' && !leading()) throw statusError('ServiceUnavailable', `this ${component} is not the leader`);
      return inner.request(req);
    },
    stream: (req, onResponse, onChunk) => inner.stream(req, onResponse, onChunk),
    close: () => inner.close?.(),
  };
}
