/**
 * Running the hooks of one point for one call: the shape builds the input, every hook of the point
 * (name order) is evaluated with the evaluator, mutations are threaded from one hook to the next,
 * the first denial stops the rest, and the shape applies the combined outcome. Also the one tap per
 * shaped point (`tapShapedPoints`), installed after every plugin was applied, found by name in the
 * server's HookIndex.
 */
import type { Server } from '../../core/server/server';
import { evaluateHook, evaluateHookSync, type EvalEnv, type HookInput, type HookVerdict } from './evaluate';
import type { HookSet } from './hook-set';
import type { HookMetrics } from './metrics';
import { hookShapes, type HookShape, type Outcome } from './shapes';
import type { LoadedHook } from './types';

export interface DispatchDeps {
  hooks: HookSet;
  env: Omit<EvalEnv, 'budget'>;
  metrics?: HookMetrics;
  /** a hook's runtime error (for its status) */
  onError?(hook: LoadedHook, error: string): void;
  /** a hook evaluated without error */
  onOk?(hook: LoadedHook): void;
}

/** Evaluate every hook of `hooks` against one input. */
export async function runHooks(hooks: readonly LoadedHook[], input: HookInput, env: EvalEnv, deps?: Pick<DispatchDeps, 'metrics' | 'onError' | 'onOk'>, point = ''): Promise<{ outcome: Outcome; verdicts: HookVerdict[] }> {
  const outcome: Outcome = { warnings: [], audit: {} };
  const verdicts: HookVerdict[] = [];
  let current = input;
  for (const hook of hooks) {
    const started = process.hrtime.bigint();
    const v = await evaluateHook(hook, current, env);
    verdicts.push(v);
    if (!v.matched) continue;
    const labels = { hook: hook.name, point };
    deps?.metrics?.evaluations.inc(labels);
    deps?.metrics?.latency.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    if (v.error) {
      deps?.metrics?.errors.inc(labels);
      deps?.onError?.(hook, v.error);
    } else deps?.onOk?.(hook);
    outcome.warnings.push(...v.warnings);
    for (const [k, val] of Object.entries(v.audit)) outcome.audit[`${hook.name}.hooks.k8ts.dev/${k}`] = val;
    if (v.deny) {
      deps?.metrics?.denials.inc(labels);
      outcome.deny = { hook: hook.name, ...v.deny };
      break;
    }
    if (v.object) {
      outcome.object = v.object;
      current = { ...current, object: v.object, vars: { ...current.vars, object: v.object } };
    }
  }
  return { outcome, verdicts };
}

async function dispatch(server: Server, shape: HookShape, deps: DispatchDeps, args: unknown[]): Promise<unknown> {
  const hooks = deps.hooks.forPoint(shape.point);
  if (!hooks.length) return undefined;
  const input = await shape.input(server, args);
  if (!input) return undefined;
  const { outcome } = await runHooks(hooks, input, { ...deps.env, budget: shape.budget(args) }, deps, shape.point);
  return shape.apply(server, args, outcome);
}

/** The same for a synchronous point (CEL only: no params, no namespace lookups, no scripts). */
export function runHooksSync(hooks: readonly LoadedHook[], input: HookInput, budget: EvalEnv['budget'], deps?: Pick<DispatchDeps, 'metrics' | 'onError' | 'onOk'>, point = ''): Outcome {
  const outcome: Outcome = { warnings: [], audit: {} };
  for (const hook of hooks) {
    const started = process.hrtime.bigint();
    const v = evaluateHookSync(hook, input, budget);
    if (!v.matched) continue;
    const labels = { hook: hook.name, point };
    deps?.metrics?.evaluations.inc(labels);
    deps?.metrics?.latency.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    if (v.error) {
      deps?.metrics?.errors.inc(labels);
      deps?.onError?.(hook, v.error);
    } else deps?.onOk?.(hook);
    outcome.warnings.push(...v.warnings);
    if (v.deny) {
      deps?.metrics?.denials.inc(labels);
      outcome.deny = { hook: hook.name, ...v.deny };
      break;
    }
  }
  return outcome;
}

function dispatchSync(server: Server, shape: HookShape, deps: DispatchDeps, args: unknown[]): unknown {
  const hooks = deps.hooks.forPoint(shape.point);
  if (!hooks.length || !shape.inputSync) return undefined;
  const input = shape.inputSync(server, args);
  if (!input) return undefined;
  return shape.apply(server, args, runHooksSync(hooks, input, shape.budget(args), deps, shape.point));
}

interface Tappable {
  tap?(opts: { name: string; stage?: number }, fn: (...args: unknown[]) => unknown): void;
  tapPromise?(opts: { name: string; stage?: number }, fn: (...args: unknown[]) => Promise<unknown>): void;
}

/**
 * Tap every hook point that has a shape and exists in the server's index: async points with
 * tapPromise (the evaluator may read params and run scripts), sync points (shape.sync) with tap and
 * the synchronous evaluator. Returns the points tapped.
 */
export function tapShapedPoints(server: Server, name: string, deps: DispatchDeps): string[] {
  const tapped: string[] = [];
  for (const shape of hookShapes()) {
    const point = server.hookIndex.get(shape.point);
    const hook = point?.hook as unknown as Tappable | undefined;
    if (!hook) continue;
    if (shape.sync) {
      if (point!.kind.startsWith('Async') || typeof hook.tap !== 'function') continue;
      hook.tap({ name, stage: shape.stage ?? 0 }, (...args: unknown[]) => dispatchSync(server, shape, deps, args));
      tapped.push(shape.point);
      continue;
    }
    if (typeof hook.tapPromise !== 'function' || !point!.kind.startsWith('Async')) continue;
    hook.tapPromise({ name, stage: shape.stage ?? 0 }, (...args: unknown[]) => dispatch(server, shape, deps, args));
    tapped.push(shape.point);
  }
  return tapped;
}
