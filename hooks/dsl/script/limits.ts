/**
 * Script hooks (hooks DSL tier 2): the limits a script runs under, the result of one call and the
 * failure reasons. Shared by the worker (which enforces the limits inside QuickJS) and the pool
 * (which enforces the deadline from outside with its watchdog).
 */

/** Per-hook limits, in the units of the hook object's `script` field. */
export interface ScriptLimits {
  /** CPU deadline of one call (compile + run + serialise), in milliseconds. */
  timeoutMs?: number;
  /** QuickJS heap limit of one call, in MiB. */
  memoryLimitMiB?: number;
}

export interface ResolvedLimits {
  /** CPU time of the worker thread (wall-clock time where the thread's CPU time cannot be read). */
  timeoutMs: number;
  /** Wall-clock cap of one call, however little CPU it got (the pool sets it below its watchdog). */
  wallLimitMs?: number;
  memoryLimitBytes: number;
  stackBytes: number;
  maxInputBytes: number;
  maxOutputBytes: number;
}

export const DEFAULT_TIMEOUT_MS = 50;
export const MAX_TIMEOUT_MS = 5000;
export const DEFAULT_MEMORY_MIB = 16;
export const MAX_MEMORY_MIB = 256;
/** QuickJS stack limit (setMaxStackSize); fixed, the worker's own native stack is sized above it. */
export const STACK_BYTES = 512 * 1024;
export const MAX_INPUT_BYTES = 1024 * 1024;
export const MAX_OUTPUT_BYTES = 1024 * 1024;
export const MAX_SOURCE_BYTES = 1024 * 1024;

export type ScriptFailureReason =
  | 'Timeout'
  | 'MemoryLimit'
  | 'StackOverflow'
  | 'OutputTooLarge'
  | 'InputTooLarge'
  | 'BadOutput'
  | 'ScriptError'
  | 'WorkerCrashed';

export type ScriptResult =
  | { ok: true; output: unknown }
  | { ok: false; reason: ScriptFailureReason; message: string };

/** Why the limits are not acceptable (empty when they are); `path` prefixes each message. */
export function limitsErrors(limits: ScriptLimits | undefined, path = 'script'): string[] {
  const errs: string[] = [];
  if (!limits) return errs;
  const { timeoutMs, memoryLimitMiB } = limits;
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs >= 1 && timeoutMs <= MAX_TIMEOUT_MS)) {
    errs.push(`${path}.timeoutMs: must be an integer between 1 and ${MAX_TIMEOUT_MS}`);
  }
  if (memoryLimitMiB !== undefined && !(Number.isInteger(memoryLimitMiB) && memoryLimitMiB >= 1 && memoryLimitMiB <= MAX_MEMORY_MIB)) {
    errs.push(`${path}.memoryLimitMiB: must be an integer between 1 and ${MAX_MEMORY_MIB}`);
  }
  return errs;
}

/** Defaults filled in; throws on limits that limitsErrors rejects. */
export function resolveLimits(limits: ScriptLimits | undefined): ResolvedLimits {
  const errs = limitsErrors(limits);
  if (errs.length) throw new RangeError(errs.join('; '));
  return {
    timeoutMs: limits?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    memoryLimitBytes: (limits?.memoryLimitMiB ?? DEFAULT_MEMORY_MIB) * 1024 * 1024,
    stackBytes: STACK_BYTES,
    maxInputBytes: MAX_INPUT_BYTES,
    maxOutputBytes: MAX_OUTPUT_BYTES,
  };
}

export function fail(reason: ScriptFailureReason, message: string): ScriptResult {
  return { ok: false, reason, message };
}
