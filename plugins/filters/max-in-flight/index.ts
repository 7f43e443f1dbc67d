import { FilterStage, RespondedStage } from '../../../hooks/stages';
import { definePlugin } from '../../../core/plugin/define';
import { failure } from '../../../core/api/status';
import type { ApiResponse, RequestContext } from '../../../core/pipeline/types';
import type { Server } from '../../../core/server/server';
import { Limiter, type Refusal } from './limiter';

const PLUGIN_NAME = 'MaxInFlight';
/** release slots before any other responded tap runs (a throwing tap cannot leak a slot) */
const RELEASE_STAGE = RespondedStage.METRICS - 100;
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface MaxInFlightOptions {
  /** mutating requests (POST, PUT, PATCH, DELETE) executing at once */
  maxMutatingRequestsInFlight: number;
  /** read-only requests executing at once */
  maxRequestsInFlight: number;
  /** when full, queue per user and serve users round-robin; false = 429 at once */
  fairQueuing: boolean;
  /** requests one user may have waiting per pool */
  queueLengthPerUser: number;
  /** longest wait in a queue before 429 */
  maxQueueWaitSeconds: number;
  /** users in these groups are never limited (API Priority and Fairness' exempt level) */
  exemptGroups: string[];
}

export interface MaxInFlightPools {
  mutating: Limiter;
  readOnly: Limiter;
}

const pools = new WeakMap<Server, MaxInFlightPools>();

/** The limiters of a server (tests and metrics read their counters). */
export function getMaxInFlightPools(server: Server): MaxInFlightPools | undefined {
  return pools.get(server);
}

/**
 * kube-apiserver's max-in-flight filter with a simple per-user fair queuing: mutating and read-only
 * requests are limited separately; long-running requests (watch, exec, logs...) are exempt; over
 * the limit is 429 TooManyRequests with `Retry-After: 1`.
 */
export default definePlugin<Partial<MaxInFlightOptions>>({
  name: PLUGIN_NAME,
  area: 'filters',
  description: 'Limits requests in flight (mutating and read-only separately) with per-user fair queuing; 429 when full',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      maxMutatingRequestsInFlight: { type: 'integer', minimum: 1, default: 200 },
      maxRequestsInFlight: { type: 'integer', minimum: 1, default: 400 },
      fairQueuing: { type: 'boolean', default: true },
      queueLengthPerUser: { type: 'integer', minimum: 1, default: 50 },
      maxQueueWaitSeconds: { type: 'number', exclusiveMinimum: 0, default: 10 },
      exemptGroups: { type: 'array', items: { type: 'string' }, default: ['system:masters'] },
    },
  },
  apply(server, options) {
    const opts: MaxInFlightOptions = {
      maxMutatingRequestsInFlight: 200,
      maxRequestsInFlight: 400,
      fairQueuing: true,
      queueLengthPerUser: 50,
      maxQueueWaitSeconds: 10,
      exemptGroups: ['system:masters'],
      ...options,
    };
    const pool = (limit: number) =>
      new Limiter({ limit, queuing: opts.fairQueuing, queueLengthPerFlow: opts.queueLengthPerUser, maxWaitMs: opts.maxQueueWaitSeconds * 1000 });
    const limiters: MaxInFlightPools = { mutating: pool(opts.maxMutatingRequestsInFlight), readOnly: pool(opts.maxRequestsInFlight) };
    pools.set(server, limiters);
    const exempt = new Set(opts.exemptGroups);

    server.hooks.filter.tapPromise({ name: PLUGIN_NAME, stage: FilterStage.MAX_INFLIGHT }, async (ctx) => {
      if (ctx.longRunning) return undefined;
      if (ctx.user?.groups.some((g) => exempt.has(g))) return undefined;
      const limiter = MUTATING.has(ctx.method) ? limiters.mutating : limiters.readOnly;
      const flow = ctx.user?.username ?? '';
      let outcome = limiter.acquire(flow, ctx.signal);
      if (typeof outcome === 'object') outcome = await outcome;
      if (outcome !== true) return tooManyRequests(outcome);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        limiter.release();
      };
      ctx.state.set(PLUGIN_NAME, release);
      return undefined;
    });

    server.hooks.responded.tap({ name: PLUGIN_NAME, stage: RELEASE_STAGE }, (ctx: RequestContext) => {
      (ctx.state.get(PLUGIN_NAME) as (() => void) | undefined)?.();
    });
  },
});

function tooManyRequests(why: Refusal): ApiResponse {
  const status = failure('TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds: 1 });
  if (why === 'aborted') status.message = 'the client went away while the request was queued';
  return { status: status.code, headers: { 'Retry-After': '1' }, body: status };
}
