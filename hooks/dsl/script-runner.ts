/**
 * Tier 2 glue: run a hook's `script` with the script sandbox (hooks/dsl/script: QuickJS in a
 * worker pool, fresh context per call) and check its output shape there
 * (`{ allowed, message?, warnings?, patch? }`). A timeout, crash, limit or bad output throws, so
 * the hook's failurePolicy decides.
 */
import type { ScriptOutput } from './evaluate';
import type { Json, LoadedHook } from './types';

let used = false;

export async function runHookScript(hook: LoadedHook, payload: Json): Promise<ScriptOutput> {
  used = true;
  const script = await import('./script');
  const s = hook.spec.script!;
  const result = await script.runScript({ source: s.source, input: payload, limits: { timeoutMs: s.timeoutMs, memoryLimitMiB: s.memoryLimitMiB } });
  if (!result.ok) throw new Error(`${result.reason}: ${result.message}`);
  const checked = script.validateAdmissionOutput(result.output);
  if (!checked.ok) throw new Error(`${checked.reason}: ${checked.message}`);
  return checked.value;
}

/** Why a script cannot be a hook (it does not compile or define hook()), or undefined. */
export async function scriptProblem(source: string): Promise<string | undefined> {
  used = true;
  const script = await import('./script');
  return script.checkScript(source);
}

/** End the shared script pool's workers if a script ran (a later call starts a new pool). */
export async function closeHookScripts(): Promise<void> {
  if (!used) return;
  used = false;
  await (await import('./script')).closeScriptPool();
}
