/**
 * Hooks DSL tier 2: sandboxed script hooks (JavaScript in QuickJS compiled to WASM, in a
 * worker_threads pool). See README.md for the script convention and the limits.
 *
 * - runScript({ source, input, limits }) → { ok: true, output } | { ok: false, reason, message }
 * - checkScript(source) → why the source cannot be a hook, or undefined (create-time check)
 * - validateAdmissionOutput(output) → the admission output shape, or BadOutput
 * The module-level functions share one lazily created pool (closeScriptPool() ends it); a caller
 * that wants its own size or grace creates a ScriptPool.
 */
import { ScriptPool, type ScriptCall, type ScriptPoolOptions } from './pool';
import type { ScriptResult } from './limits';

export * from './limits';
export { ScriptPool, type ScriptCall, type ScriptPoolOptions, type ScriptPoolStats } from './pool';
export { validateAdmissionOutput, type AdmissionScriptOutput, type AdmissionOutputCheck } from './output';

let shared: ScriptPool | undefined;

/** The shared pool (created on first use with `opts`, later calls get the same pool). */
export function scriptPool(opts?: ScriptPoolOptions): ScriptPool {
  return (shared ??= new ScriptPool(opts));
}

export function runScript(call: ScriptCall): Promise<ScriptResult> {
  return scriptPool().run(call);
}

export function checkScript(source: string): Promise<string | undefined> {
  return scriptPool().check(source);
}

/** Terminate the shared pool's workers (a later call starts a new pool). */
export async function closeScriptPool(): Promise<void> {
  const p = shared;
  shared = undefined;
  await p?.close();
}
