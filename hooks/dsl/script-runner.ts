/**
 * Tier 2 glue: run a hook's `script` with the script sandbox (hooks/dsl/script: QuickJS in a
 * worker pool, fresh context per call) and check its output shape there
 * (`{ allowed, message?, warnings?, patch? }`). A timeout, crash, limit or bad output throws, so
 * the hook's failurePolicy decides. The sandbox module is loaded on first use (a server without
 * script hooks never loads it) and kept: later calls do not go through import() again.
 */
import type { ScriptOutput } from './evaluate';
import type { Json, LoadedHook } from './types';

type ScriptModule = typeof import('./script');

let used = false;
let loaded: ScriptModule | undefined;

async function scriptModule(): Promise<ScriptModule> {
  return (loaded ??= await import('./script'));
}

export async function runHookScript(hook: LoadedHook, payload: Json): Promise<ScriptOutput> {
  used = true;
  const script = loaded ?? (await scriptModule());
  const s = hook.spec.script!;
  const result = await script.runScript({ source: s.source, input: payload, limits: { timeoutMs: s.timeoutMs, memoryLimitMiB: s.memoryLimitMiB } });
  if (!result.ok) throw new Error(`${result.reason}: ${result.message}`);
  const checked = script.validateAdmissionOutput(result.output);
  if (!checked.ok) throw new Error(`${checked.reason}: ${checked.message}`);
  return checked.value;
}

/**
 * Why a script cannot be a hook (it does not compile or define hook()), or undefined. Checking a
 * script starts the shared pool's workers, so a loaded script hook's first call does not pay for them.
 */
export async function scriptProblem(source: string): Promise<string | undefined> {
  used = true;
  const script = await scriptModule();
  return script.checkScript(source);
}

/**
 * Start the shared pool's workers now (a script hook was loaded), so that the first call does not
 * wait for a worker to load QuickJS and warm up. Does not wait; a failure shows on the first call.
 */
export function warmHookScripts(): void {
  used = true;
  scriptModule().then(
    (script) => script.scriptPool().start(),
    () => undefined,
  );
}

/** End the shared script pool's workers if a script ran (a later call starts a new pool). */
export async function closeHookScripts(): Promise<void> {
  if (!used) return;
  used = false;
  await (await scriptModule()).closeScriptPool();
}
