/**
 * Recording histories of concurrent storage operations. fast-check generates a plan (clients, each
 * a sequence of steps with small scheduling delays); `runPlan` executes it against a storage,
 * timestamping every invocation and response on one logical clock, with two watches open: one from
 * before the first operation, one resumed mid-run from an acknowledged revision (replay + live).
 */
import fc from 'fast-check';
import { isStorageError, type Storage, type WatchEvent } from '../../../core/storage/types';
import { uniquePrefix, WatchRecorder } from './harness';
import type { OpInput, OpOutput, Operation } from './lin-checker';

export const STEP_KINDS = ['create', 'update', 'updateStale', 'delete', 'deleteGuarded', 'get', 'list', 'rev'] as const;
export type StepKind = (typeof STEP_KINDS)[number];
/** how often each step is drawn: mostly writes that can succeed, so histories have real contention */
const STEP_WEIGHTS: Record<StepKind, number> = { create: 3, update: 5, updateStale: 1, delete: 1, deleteGuarded: 1, get: 3, list: 1, rev: 1 };

export interface Step {
  kind: StepKind;
  key: number;
  /** event-loop turns to wait before invoking (drives the interleaving) */
  delay: number;
}

export interface Plan {
  keys: number;
  clients: Step[][];
  /** start the resumed watch after this many operations have completed */
  resumeAfter: number;
}

export interface PlanBounds {
  maxClients: number;
  maxSteps: number;
  maxKeys: number;
}

export function planArbitrary(b: PlanBounds): fc.Arbitrary<Plan> {
  const step = fc.record({
    kind: fc.oneof(...STEP_KINDS.map((k) => ({ arbitrary: fc.constant(k), weight: STEP_WEIGHTS[k] }))),
    key: fc.nat(b.maxKeys - 1),
    delay: fc.nat(3),
  });
  return fc.record({
    keys: fc.integer({ min: 1, max: b.maxKeys }),
    clients: fc.array(fc.array(step, { minLength: 1, maxLength: b.maxSteps }), { minLength: 2, maxLength: b.maxClients }),
    resumeAfter: fc.nat(b.maxClients * b.maxSteps),
  });
}

export interface RecordedWatch {
  fromRevision: number;
  events: WatchEvent[];
  errors: string[];
}

export interface RecordedHistory {
  prefix: string;
  ops: Operation[];
  watches: RecordedWatch[];
  /** the highest acknowledged write revision (startRevision if none) */
  lastRevision: number;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** `watchWaitMs` bounds the wait for the watches to catch up with the last write (then they fail). */
export async function runPlan(storage: Storage, plan: Plan, watchWaitMs = 15000): Promise<RecordedHistory> {
  const prefix = uniquePrefix('linearizability');
  const ops: Operation[] = [];
  let clock = 0;
  let nextId = 0;
  let lastAck = await storage.currentRevision();
  const recorders: { from: number; rec: WatchRecorder; close(): void }[] = [];
  const startWatch = (from: number): void => {
    const rec = new WatchRecorder();
    const w = storage.watch(prefix, { fromRevision: from }, rec);
    recorders.push({ from, rec, close: () => w.close() });
  };
  startWatch(lastAck);
  let completed = 0;
  let resumed = false;

  const invoke = async (client: number, input: OpInput, run: () => Promise<OpOutput>): Promise<OpOutput> => {
    const op: Operation = { id: nextId++, client, call: ++clock, ret: 0, input, output: { ok: false, code: 'Internal' } };
    try {
      op.output = await run();
    } catch (err) {
      if (!isStorageError(err)) throw err;
      op.output = { ok: false, code: err.code };
    }
    op.ret = ++clock;
    ops.push(op);
    const kv = op.output.ok ? op.output.kv : undefined;
    if (kv && input.f !== 'get' && kv.modRevision > lastAck) lastAck = kv.modRevision;
    if (++completed >= plan.resumeAfter && !resumed) {
      resumed = true;
      startWatch(lastAck);
    }
    return op.output;
  };

  const runClient = async (client: number, steps: Step[]): Promise<void> => {
    const seen = new Map<string, number>();
    for (let i = 0; i < steps.length; i++) {
      const { kind, delay } = steps[i];
      for (let d = 0; d < delay; d++) await turn();
      const key = `${prefix}k${steps[i].key % plan.keys}`;
      const value = `c${client}.${i}`;
      const expected = seen.get(key) ?? 1;
      const note = (kv: { modRevision: number } | undefined): void => {
        if (kv) seen.set(key, kv.modRevision);
      };
      const write = async (input: OpInput, fn: () => Promise<{ modRevision: number; key: string; value: string; createRevision: number }>) =>
        invoke(client, input, async () => {
          try {
            const kv = await fn();
            note(input.f === 'delete' ? undefined : kv);
            return { ok: true, kv };
          } catch (err) {
            if (isStorageError(err, 'Conflict')) note(err.current);
            throw err;
          }
        });
      switch (kind) {
        case 'create':
          await write({ f: 'create', key, value }, () => storage.create(key, value));
          break;
        case 'update':
        case 'updateStale': {
          const rev = kind === 'update' ? expected : Math.max(expected - 1, 1);
          await write({ f: 'update', key, value, expected: rev }, () => storage.update(key, value, rev));
          break;
        }
        case 'delete':
          await write({ f: 'delete', key }, () => storage.delete(key));
          break;
        case 'deleteGuarded':
          await write({ f: 'delete', key, expected }, () => storage.delete(key, expected));
          break;
        case 'get':
          await invoke(client, { f: 'get', key }, async () => {
            const kv = await storage.get(key);
            note(kv);
            return { ok: true, kv };
          });
          break;
        case 'list':
          await invoke(client, { f: 'list', prefix }, async () => {
            const r = await storage.list(prefix);
            return { ok: true, items: r.items, revision: r.revision };
          });
          break;
        case 'rev':
          await invoke(client, { f: 'rev' }, async () => ({ ok: true, revision: await storage.currentRevision() }));
          break;
      }
    }
  };

  try {
    await Promise.all(plan.clients.map((steps, c) => runClient(c, steps)));
    if (!resumed) startWatch(lastAck);
    await Promise.all(recorders.map(({ rec, from }) => (lastAck > from ? rec.untilRevision(lastAck, watchWaitMs).catch(() => undefined) : Promise.resolve())));
  } finally {
    for (const r of recorders) r.close();
  }
  return {
    prefix,
    ops,
    lastRevision: lastAck,
    watches: recorders.map(({ from, rec }) => ({
      fromRevision: from,
      events: [...rec.events],
      errors: rec.errors.map((e) => `${e.code}: ${e.message}`),
    })),
  };
}
