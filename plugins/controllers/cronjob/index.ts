/**
 * CronJob controller plugin (area `controllers`): creates Jobs from each batch/v1 CronJob on its
 * schedule. See README.md; the logic is in controller.ts, schedule arithmetic in schedule.ts.
 *
 * Test hook: `useCronJobClock(server, clock)` before the controller starts replaces its clock
 * (`clock.now()`); `clock.subscribe` (optional) tells the controller when the time jumped, and it
 * then looks at every CronJob again.
 */
import { defineController } from '../../../core/client';
import type { Server } from '../../../core/server/server';
import { JOBS } from '../job/controller';
import { CronJobController, CRONJOBS } from './controller';

export interface CronJobPluginOptions {
  workers?: number;
}

export interface CronJobClock {
  now(): number;
  /** call `onJump` whenever the time changes discontinuously; returns an unsubscribe function */
  subscribe?(onJump: () => void): () => void;
}

const clocks = new WeakMap<object, CronJobClock>();

/** Give the CronJob controller of `server` another clock (tests). */
export function useCronJobClock(server: Server, clock: CronJobClock): void {
  clocks.set(server, clock);
}

/** A settable clock for tests: `set(ms)` / `advance(ms)` and the controller looks again. */
export function fakeClock(start: number): CronJobClock & { set(t: number): void; advance(ms: number): void } {
  let t = start;
  const subs = new Set<() => void>();
  return {
    now: () => t,
    subscribe(fn) {
      subs.add(fn);
      return () => subs.delete(fn);
    },
    set(v) {
      t = v;
      for (const f of subs) f();
    },
    advance(ms) {
      t += ms;
      for (const f of subs) f();
    },
  };
}

export default defineController<CronJobPluginOptions>({
  name: 'CronJob',
  description: 'creates Jobs from CronJobs on schedule (time zones, concurrencyPolicy, startingDeadlineSeconds, history limits, suspend)',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      workers: { type: 'integer', minimum: 1, default: 5, description: 'CronJobs reconciled concurrently' },
    },
  },
  workers: 5,
  setup(ctx) {
    const clock = clocks.get(ctx.server);
    const controller = new CronJobController({
      client: ctx.client,
      cronJobs: ctx.informers.informerFor(CRONJOBS),
      jobs: ctx.informers.informerFor(JOBS),
      enqueue: (key) => ctx.enqueue(key),
      logger: ctx.logger,
      now: clock ? () => clock.now() : undefined,
    });
    controller.register();
    const unsubscribe = clock?.subscribe?.(() => controller.enqueueAll());
    return { reconcile: (key) => controller.sync(key), stop: () => void unsubscribe?.() };
  },
});
