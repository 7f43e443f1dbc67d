/**
 * Linearizability suite: fast-check generates mixes and interleavings of concurrent operations,
 * `runPlan` records the history against a backend, and the checkers in lin-checker.ts judge it
 * (per-key Wing–Gong search, global revision facts, watch validators). Bounded for the test run;
 * bench/linearizability.ts runs the same property much longer.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Storage } from '../../../core/storage/types';
import type { OpenStorage, OpenedStorage } from './harness';
import { checkKeyLinearizable, checkRevisions, checkWatch, type Operation } from './lin-checker';
import { planArbitrary, runPlan, type PlanBounds, type RecordedHistory } from './lin-history';

export type LinearizabilityCheck = 'keys' | 'revisions' | 'watch';

/** Problems found in one recorded history by the chosen checks. */
export function judge(h: RecordedHistory, checks: readonly LinearizabilityCheck[]): string[] {
  const problems: string[] = [];
  if (checks.includes('keys')) {
    const byKey = new Map<string, Operation[]>();
    for (const op of h.ops) {
      if (!('key' in op.input)) continue;
      const list = byKey.get(op.input.key) ?? [];
      list.push(op);
      byKey.set(op.input.key, list);
    }
    for (const [key, ops] of byKey) {
      const p = checkKeyLinearizable(ops);
      if (p) problems.push(`${key}: ${p}`);
    }
  }
  if (checks.includes('revisions')) problems.push(...checkRevisions(h.ops));
  if (checks.includes('watch')) {
    for (const w of h.watches) {
      problems.push(...w.errors.map((e) => `watch from ${w.fromRevision} failed: ${e}`));
      problems.push(...checkWatch(w.events, h.ops, h.prefix, w.fromRevision, h.lastRevision));
    }
  }
  return problems;
}

export interface LinearizabilityRun extends Partial<PlanBounds> {
  numRuns: number;
  checks: readonly LinearizabilityCheck[];
  seed?: number;
  /** shrink a failing plan to a minimal counterexample (default true) */
  shrink?: boolean;
  /** how long the watches may take to catch up with the last write (default 15 s) */
  watchWaitMs?: number;
}

export interface LinearizabilityStats {
  histories: number;
  ops: number;
  events: number;
}

/** Run the property against one open storage; throws (with fast-check's counterexample) on a violation. */
export async function runLinearizability(storage: Storage, run: LinearizabilityRun): Promise<LinearizabilityStats> {
  const stats: LinearizabilityStats = { histories: 0, ops: 0, events: 0 };
  const bounds: PlanBounds = { maxClients: run.maxClients ?? 4, maxSteps: run.maxSteps ?? 6, maxKeys: run.maxKeys ?? 3 };
  await fc.assert(
    fc.asyncProperty(planArbitrary(bounds), async (plan) => {
      const h = await runPlan(storage, plan, run.watchWaitMs);
      stats.histories++;
      stats.ops += h.ops.length;
      stats.events += h.watches.reduce((n, w) => n + w.events.length, 0);
      const problems = judge(h, run.checks);
      assert.deepEqual(problems, [], problems.join('\n'));
    }),
    { numRuns: run.numRuns, seed: run.seed, endOnFailure: run.shrink === false, includeErrorInReport: true },
  );
  return stats;
}

/** Histories per property in the test run; K8TS_LIN_RUNS overrides (e.g. for a slower backend or a soak). */
function runsPerProperty(): number {
  const n = Number(process.env.K8TS_LIN_RUNS);
  return Number.isSafeInteger(n) && n > 0 ? n : 100;
}

export function linearizabilitySuite(name: string, open: OpenStorage): void {
  const numRuns = runsPerProperty();
  describe(`storage linearizability: ${name}`, function () {
    let opened: OpenedStorage | undefined;
    const storage = (): Storage => {
      if (!opened) throw new Error('storage not open');
      return opened.storage;
    };
    before(async function () {
      opened = await open();
    });
    after(async function () {
      await opened?.cleanup();
      opened = undefined;
    });

    it('keeps every key linearizable under concurrent create/update/delete/get', async function () {
      await runLinearizability(storage(), { numRuns, checks: ['keys'] });
    });

    it('orders revisions by real time and serves lists equal to the replay of the writes', async function () {
      await runLinearizability(storage(), { numRuns, checks: ['revisions'] });
    });

    it('delivers watch events ordered, unique, gap-free and matching the acknowledged writes', async function () {
      await runLinearizability(storage(), { numRuns, checks: ['watch'] });
    });
  });
}
