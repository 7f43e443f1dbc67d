/**
 * Checkers for recorded storage histories.
 *
 * - `checkKeyLinearizable`: a Wing–Gong style search (with Lowe's memoization) for one key, modelled
 *   as a register with create / CAS update / guarded delete / get semantics that also tracks the
 *   key's modRevision and createRevision.
 * - `checkRevisions`: cross-key facts of the global revision: successful writes have distinct
 *   revisions that respect real-time order; `currentRevision` and `list` results are consistent with
 *   the writes (a list at R equals the replay of every write with revision <= R).
 * - `checkWatch`: one watch's events are ordered, unique, gap-free against the acknowledged writes,
 *   and carry the written values and the right prevValue.
 */
import type { KeyValue, StorageErrorCode, WatchEvent } from '../../../core/storage/types';

export type OpInput =
  | { f: 'create'; key: string; value: string }
  | { f: 'update'; key: string; value: string; expected: number }
  | { f: 'delete'; key: string; expected?: number }
  | { f: 'get'; key: string }
  | { f: 'list'; prefix: string }
  | { f: 'rev' };

export type OpOutput =
  | { ok: true; kv?: KeyValue; items?: KeyValue[]; revision?: number }
  | { ok: false; code: StorageErrorCode };

export interface Operation {
  id: number;
  client: number;
  /** logical time of invocation and of response (one clock for the whole history) */
  call: number;
  ret: number;
  input: OpInput;
  output: OpOutput;
}

type KeyOpInput = Extract<OpInput, { key: string }>;
type State = { value: string; mod: number; create: number } | undefined;

const sameKv = (kv: KeyValue | undefined, s: State, key: string): boolean =>
  kv === undefined
    ? s === undefined
    : s !== undefined && kv.key === key && kv.value === s.value && kv.modRevision === s.mod && kv.createRevision === s.create;

/** The register model: the state after `op` given `s`, or null if `op`'s output is impossible in `s`. */
export function step(s: State, input: KeyOpInput, out: OpOutput): State | null {
  if (!out.ok) {
    switch (out.code) {
      case 'KeyExists':
        return input.f === 'create' && s !== undefined ? s : null;
      case 'NotFound':
        return (input.f === 'update' || input.f === 'delete') && s === undefined ? s : null;
      case 'Conflict': {
        const expected = input.f === 'update' || input.f === 'delete' ? input.expected : undefined;
        return s !== undefined && expected !== undefined && s.mod !== expected ? s : null;
      }
      default:
        return null;
    }
  }
  const kv = out.kv;
  switch (input.f) {
    case 'get':
      return sameKv(kv, s, input.key) ? s : null;
    case 'create':
      if (s !== undefined || !kv || kv.value !== input.value || kv.createRevision !== kv.modRevision) return null;
      return { value: kv.value, mod: kv.modRevision, create: kv.createRevision };
    case 'update':
      if (s === undefined || !kv || s.mod !== input.expected || kv.modRevision <= s.mod) return null;
      if (kv.value !== input.value || kv.createRevision !== s.create) return null;
      return { value: kv.value, mod: kv.modRevision, create: s.create };
    case 'delete':
      if (s === undefined || !kv || (input.expected !== undefined && s.mod !== input.expected)) return null;
      if (kv.value !== s.value || kv.createRevision !== s.create || kv.modRevision <= s.mod) return null;
      return undefined;
  }
}

const stateKey = (s: State): string => (s === undefined ? '-' : `${s.mod}:${s.create}:${s.value}`);

export function describeOp(op: Operation): string {
  const out = op.output.ok
    ? op.output.kv
      ? `ok ${op.output.kv.value}@${op.output.kv.modRevision}/${op.output.kv.createRevision}`
      : op.output.items
        ? `ok ${op.output.items.length} items @${op.output.revision}`
        : op.output.revision !== undefined
          ? `ok @${op.output.revision}`
          : 'ok none'
    : op.output.code;
  return `#${op.id} c${op.client} [${op.call},${op.ret}] ${JSON.stringify(op.input)} -> ${out}`;
}

/** Is the history of one key's operations linearizable, starting from an absent key? */
export function checkKeyLinearizable(ops: readonly Operation[]): string | undefined {
  const keyOps = ops.filter((o): o is Operation & { input: KeyOpInput } => 'key' in o.input);
  const n = keyOps.length;
  if (n === 0) return undefined;
  const seen = new Set<string>();
  const done = new Array<boolean>(n).fill(false);
  let searched = 0;
  const search = (s: State, remaining: number, mask: bigint): boolean => {
    if (remaining === 0) return true;
    const memo = `${mask.toString(36)}|${stateKey(s)}`;
    if (seen.has(memo)) return false;
    seen.add(memo);
    if (++searched > 2_000_000) throw new Error('linearizability search too large');
    let minRet = Infinity;
    for (let i = 0; i < n; i++) if (!done[i] && keyOps[i].ret < minRet) minRet = keyOps[i].ret;
    for (let i = 0; i < n; i++) {
      // op i may go next only if no pending op had already returned before i was called
      if (done[i] || keyOps[i].call > minRet) continue;
      const next = step(s, keyOps[i].input, keyOps[i].output);
      if (next === null) continue;
      done[i] = true;
      const ok = search(next, remaining - 1, mask | (1n << BigInt(i)));
      done[i] = false;
      if (ok) return true;
    }
    return false;
  };
  if (search(undefined, n, 0n)) return undefined;
  return `not linearizable:\n  ${keyOps.map(describeOp).join('\n  ')}`;
}

function isWrite(op: Operation): op is Operation & { input: Extract<OpInput, { f: 'create' | 'update' | 'delete' }>; output: { ok: true; kv: KeyValue } } {
  return (op.input.f === 'create' || op.input.f === 'update' || op.input.f === 'delete') && op.output.ok && op.output.kv !== undefined;
}

/** Successful writes of a history, by revision. */
export function acknowledgedWrites(ops: readonly Operation[]) {
  return ops.filter(isWrite).sort((a, b) => a.output.kv.modRevision - b.output.kv.modRevision);
}

/** Cross-key checks of the global revision. Returns the violations (empty if none). */
export function checkRevisions(ops: readonly Operation[]): string[] {
  const problems: string[] = [];
  const writes = acknowledgedWrites(ops);
  for (let i = 1; i < writes.length; i++) {
    if (writes[i].output.kv.modRevision === writes[i - 1].output.kv.modRevision) {
      problems.push(`two writes got revision ${writes[i].output.kv.modRevision}: ${describeOp(writes[i - 1])} / ${describeOp(writes[i])}`);
    }
  }
  for (const a of writes) {
    for (const b of writes) {
      if (a.ret < b.call && a.output.kv.modRevision >= b.output.kv.modRevision) {
        problems.push(`real-time order broken: ${describeOp(a)} finished before ${describeOp(b)} started`);
      }
    }
  }
  for (const op of ops) {
    if (!op.output.ok || op.output.revision === undefined) continue;
    const r = op.output.revision;
    for (const w of writes) {
      if (w.ret < op.call && w.output.kv.modRevision > r) problems.push(`${describeOp(op)} misses earlier ${describeOp(w)}`);
      if (w.call > op.ret && w.output.kv.modRevision <= r) problems.push(`${describeOp(op)} includes later ${describeOp(w)}`);
    }
    if (op.input.f === 'list') {
      const prefix = op.input.prefix;
      const state = new Map<string, KeyValue>();
      for (const w of writes) {
        if (w.output.kv.modRevision > r || !w.input.key.startsWith(prefix)) continue;
        if (w.input.f === 'delete') state.delete(w.input.key);
        else state.set(w.input.key, w.output.kv);
      }
      const expected = [...state.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      if (JSON.stringify(expected) !== JSON.stringify(op.output.items ?? [])) {
        problems.push(`${describeOp(op)}: items ${JSON.stringify(op.output.items)} != replay ${JSON.stringify(expected)}`);
      }
    }
  }
  return problems;
}

const EVENT_TYPE = { create: 'ADDED', update: 'MODIFIED', delete: 'DELETED' } as const;

/**
 * Check one watch that saw `events` for keys under `prefix`, watching from `fromRevision`, against
 * the history's acknowledged writes, up to `uptoRevision` (the last write the watch must have seen).
 */
export function checkWatch(
  events: readonly WatchEvent[],
  ops: readonly Operation[],
  prefix: string,
  fromRevision: number,
  uptoRevision: number,
): string[] {
  const problems: string[] = [];
  for (let i = 1; i < events.length; i++) {
    if (events[i].revision <= events[i - 1].revision) {
      problems.push(`event revisions out of order or repeated: ${events[i - 1].revision} then ${events[i].revision}`);
    }
  }
  const writes = acknowledgedWrites(ops).filter((w) => w.input.key.startsWith(prefix));
  const prevValue = new Map<number, string | undefined>();
  const last = new Map<string, string>();
  for (const w of writes) {
    prevValue.set(w.output.kv.modRevision, w.input.f === 'create' ? undefined : last.get(w.input.key));
    if (w.input.f === 'delete') last.delete(w.input.key);
    else last.set(w.input.key, w.output.kv.value);
  }
  const expected = writes.filter((w) => w.output.kv.modRevision > fromRevision && w.output.kv.modRevision <= uptoRevision);
  const got = events.filter((e) => e.revision <= uptoRevision);
  if (got.map((e) => e.revision).join(',') !== expected.map((w) => w.output.kv.modRevision).join(',')) {
    problems.push(
      `watch from ${fromRevision} saw revisions [${got.map((e) => e.revision).join(',')}], writes were [${expected
        .map((w) => w.output.kv.modRevision)
        .join(',')}]`,
    );
    return problems;
  }
  got.forEach((e, i) => {
    const w = expected[i];
    const want = {
      type: EVENT_TYPE[w.input.f],
      key: w.input.key,
      value: w.output.kv.value,
      revision: w.output.kv.modRevision,
      createRevision: w.output.kv.createRevision,
      prevValue: prevValue.get(w.output.kv.modRevision),
    };
    const have = { ...want, ...e, prevValue: e.prevValue };
    if (JSON.stringify(have) !== JSON.stringify(want)) problems.push(`event ${JSON.stringify(e)} != write ${JSON.stringify(want)}`);
  });
  return problems;
}
