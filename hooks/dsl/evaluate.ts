/**
 * The evaluator: one Hook against one call of its hook point, the same code for the server's taps
 * and `k8ts hooks test`. Order (as ValidatingAdmissionPolicy / MutatingAdmissionPolicy): rules and
 * selectors, params, matchConditions, variables, validations, auditAnnotations, mutations, script.
 * Every CEL expression runs under the caller's request budget (core/api/cel). An error anywhere
 * falls under failurePolicy: Fail denies, Ignore lets the call through; both are reported.
 */
import { evaluate, evaluateCondition, fromCel, toCel, type CelBudget } from '../../core/api/cel';
import { applyMutation } from './mutate';
import { namespaceSelected, objectSelected, rulesMatch, type MatchResource } from './match';
import type { HookSpec, Json, LoadedHook } from './types';

export interface HookInput {
  /** CEL variables the hook point's shape provides (plain JSON; object, oldObject, request, ...) */
  vars: Json;
  /** what resourceRules and the selectors look at; absent for points that are not about a resource */
  resource?: MatchResource;
  object?: Json | null;
  oldObject?: Json | null;
  /** labels of the request's namespace, looked up only when a namespaceSelector needs them */
  namespaceLabels?: () => Promise<Record<string, string> | undefined>;
  /** may the hook change `object` (mutations, script patches) */
  mutable: boolean;
}

/** What a script returns (JSON): allowed/message/reason deny, patch mutates, warnings are shown. */
export interface ScriptOutput {
  allowed?: boolean;
  message?: string;
  reason?: string;
  patch?: unknown;
  warnings?: unknown;
}

export interface EvalEnv {
  budget: CelBudget;
  /** the param objects of a hook (paramKind + paramRef, selector may give several); undefined = none found */
  params?(spec: HookSpec, input: HookInput): Promise<Json[] | undefined>;
  /** run a hook's script (tier 2); throws on timeout, crash or bad output */
  runScript?(hook: LoadedHook, payload: Json): Promise<ScriptOutput>;
}

export interface Denial {
  message: string;
  reason: string;
}

export interface HookVerdict {
  hook: string;
  matched: boolean;
  /** a Deny validation failed (or an error under failurePolicy Fail) */
  deny?: Denial;
  warnings: string[];
  audit: Record<string, string>;
  /** the object after this hook's mutations (when it changed it) */
  object?: Json;
  /** evaluation error (counted; denies under Fail) */
  error?: string;
}

class HookError extends Error {}

const oneLine = (s: string) => (s.length > 200 ? `${s.slice(0, 200)}...` : s).replace(/\s+/g, ' ').trim();

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

function cel(expression: string, vars: Json, budget: CelBudget, what: string): unknown {
  try {
    return fromCel(evaluate(expression, vars, budget));
  } catch (err) {
    throw new HookError(`${what} '${oneLine(expression)}' resulted in error: ${message(err)}`);
  }
}

function condition(expression: string, vars: Json, budget: CelBudget, what: string): boolean {
  try {
    return evaluateCondition(expression, vars, budget);
  } catch (err) {
    throw new HookError(`${what} '${oneLine(expression)}' resulted in error: ${message(err)}`);
  }
}

/** Rules and selectors: the cheap part, before anything is evaluated. */
export async function hookApplies(spec: HookSpec, input: HookInput): Promise<boolean> {
  if (!input.resource) return true;
  if (!rulesMatch(spec, input.resource)) return false;
  if (!objectSelected(spec, input.object, input.oldObject)) return false;
  return namespaceSelected(spec, input.resource, input.object ?? input.oldObject, input.namespaceLabels);
}

/** Evaluate one hook. Never throws: errors become `error` (and `deny` under failurePolicy Fail). */
export async function evaluateHook(hook: LoadedHook, input: HookInput, env: EvalEnv): Promise<HookVerdict> {
  const spec = hook.spec;
  const verdict: HookVerdict = { hook: hook.name, matched: false, warnings: [], audit: {} };
  try {
    if (!(await hookApplies(spec, input))) return verdict;
    let paramSets: Array<Json | null> = [null];
    if (spec.paramKind && spec.paramRef) {
      const found = env.params ? await env.params(spec, input) : undefined;
      if (!found || found.length === 0) {
        if (spec.paramRef.parameterNotFoundAction === 'Allow') return verdict;
        verdict.matched = true;
        throw new HookError(`no params found for hook '${hook.name}' (${spec.paramKind.kind} ${spec.paramRef.name ?? 'by selector'})`);
      }
      paramSets = found;
    }
    let object = input.object ?? null;
    for (const params of paramSets) object = await evaluateWithParams(hook, input, env, params, object, verdict);
    if (verdict.matched && object !== (input.object ?? null)) verdict.object = object ?? undefined;
  } catch (err) {
    verdict.matched = true;
    verdict.error = message(err);
    if (spec.failurePolicy !== 'Ignore') verdict.deny = { message: `hook '${hook.name}' failed: ${verdict.error}`, reason: 'InternalError' };
  }
  return verdict;
}

/** The synchronous CEL part for one param: matchConditions, variables, validations, auditAnnotations, mutations. */
function evaluateCel(hook: LoadedHook, input: HookInput, budget: CelBudget, params: Json | null, current: Json | null, verdict: HookVerdict): { object: Json | null; vars?: Json; variables?: Json } {
  const spec = hook.spec;
  if (!hasCel(spec)) {
    // nothing to evaluate (a script-only hook): no JSON->CEL conversion of the input
    verdict.matched = true;
    return { object: current, vars: {}, variables: {} };
  }
  const base: Json = { ...celVars(input) };
  if ('object' in input.vars || current !== (input.object ?? null)) base.object = toCelCached(current);
  base.params = params === null ? null : toCelCached(params);
  const variables: Json = {};
  base.variables = variables;
  for (const c of spec.matchConditions ?? []) if (!condition(c.expression, base, budget, `matchCondition '${c.name}': expression`)) return { object: current };
  verdict.matched = true;
  for (const v of spec.variables ?? []) variables[v.name] = toCel(cel(v.expression, base, budget, `variable '${v.name}': expression`));

  const actions = spec.validationActions ?? ['Deny'];
  for (const v of spec.validations ?? []) {
    if (condition(v.expression, base, budget, 'validation expression')) continue;
    let text = v.message || `failed expression: ${v.expression}`;
    if (v.messageExpression) {
      try {
        const m = cel(v.messageExpression, base, budget, 'messageExpression');
        if (typeof m === 'string' && m.trim() && !m.includes('\n')) text = m;
      } catch {
        // Kubernetes falls back to message when messageExpression fails
      }
    }
    const reason = v.reason ?? 'Forbidden';
    if (actions.includes('Deny') && !verdict.deny) verdict.deny = { message: `hook '${hook.name}' denied request: ${text}`, reason };
    if (actions.includes('Warn')) verdict.warnings.push(`Validation failed for hook '${hook.name}': ${text}`);
    if (actions.includes('Audit')) verdict.audit['validation_failure'] = JSON.stringify([{ message: text, hook: hook.name, expression: v.expression, validationActions: actions }]);
  }
  for (const a of spec.auditAnnotations ?? []) {
    const value = cel(a.valueExpression, base, budget, `auditAnnotation '${a.key}': valueExpression`);
    if (value !== null && value !== undefined) verdict.audit[a.key] = String(value);
  }
  if (verdict.deny) return { object: current };

  let object = current;
  if (spec.mutations?.length) {
    if (!input.mutable) throw new HookError(`hook point does not accept mutations`);
    for (const [i, m] of spec.mutations.entries()) {
      const expression = m.patchType === 'JSONPatch' ? m.jsonPatch?.expression : m.applyConfiguration?.expression;
      const result = cel(String(expression), { ...base, object: toCelCached(object) }, budget, `mutations[${i}]: expression`);
      try {
        object = applyMutation(object ?? {}, m.patchType, result);
      } catch (err) {
        throw new HookError(`mutations[${i}]: ${message(err)}`);
      }
    }
  }
  return { object, vars: base, variables };
}

/** Whether a hook has any CEL expression to evaluate (matchConditions, variables, validations, auditAnnotations, mutations). */
function hasCel(spec: HookSpec): boolean {
  return !!(spec.matchConditions?.length || spec.variables?.length || spec.validations?.length || spec.auditAnnotations?.length || spec.mutations?.length);
}

/** JSON -> CEL conversions, cached per object (the same input object is seen by every hook of a call). */
const celCache = new WeakMap<object, unknown>();
function toCelCached(v: Json | null | undefined): unknown {
  if (!v || typeof v !== 'object') return toCel(v ?? null);
  let c = celCache.get(v);
  if (c === undefined) celCache.set(v, (c = toCel(v)));
  return c;
}

function celVars(input: HookInput): Json {
  let c = celCache.get(input.vars) as Json | undefined;
  if (!c) {
    c = {};
    for (const [k, v] of Object.entries(input.vars)) c[k] = v && typeof v === 'object' ? toCelCached(v) : toCel(v);
    celCache.set(input.vars, c);
  }
  return c;
}

/**
 * Evaluate one hook synchronously (for synchronous hook points such as scheduler.filter): rules and
 * object selector, matchConditions, variables, validations, mutations. Params, namespaceSelector and
 * scripts need I/O and are errors here (validation rejects such hooks for synchronous points).
 */
export function evaluateHookSync(hook: LoadedHook, input: HookInput, budget: CelBudget): HookVerdict {
  const spec = hook.spec;
  const verdict: HookVerdict = { hook: hook.name, matched: false, warnings: [], audit: {} };
  try {
    if (input.resource && (!rulesMatch(spec, input.resource) || !objectSelected(spec, input.object, input.oldObject))) return verdict;
    if (spec.paramRef || spec.script || (spec.match?.namespaceSelector && Object.keys(spec.match.namespaceSelector).length)) {
      verdict.matched = true;
      throw new HookError('params, namespaceSelector and script are not available at a synchronous hook point');
    }
    const { object } = evaluateCel(hook, input, budget, null, input.object ?? null, verdict);
    if (verdict.matched && object !== (input.object ?? null)) verdict.object = object ?? undefined;
  } catch (err) {
    verdict.matched = true;
    verdict.error = message(err);
    if (spec.failurePolicy !== 'Ignore') verdict.deny = { message: `hook '${hook.name}' failed: ${verdict.error}`, reason: 'InternalError' };
  }
  return verdict;
}

async function evaluateWithParams(hook: LoadedHook, input: HookInput, env: EvalEnv, params: Json | null, current: Json | null, verdict: HookVerdict): Promise<Json | null> {
  const spec = hook.spec;
  const r = evaluateCel(hook, input, env.budget, params, current, verdict);
  let object = r.object;
  if (!r.vars || verdict.deny) return object;
  const variables = r.variables!;
  if (spec.script) {
    if (!env.runScript) throw new HookError('script hooks are not available (hooks/dsl/script)');
    const payload: Json = { ...input.vars, object, params, variables: fromCel(variables) };
    let out: ScriptOutput;
    try {
      out = await env.runScript(hook, payload);
    } catch (err) {
      throw new HookError(`script: ${message(err)}`);
    }
    if (Array.isArray(out.warnings)) for (const w of out.warnings) verdict.warnings.push(String(w));
    if (out.allowed === false) {
      verdict.deny = { message: `hook '${hook.name}' denied request: ${typeof out.message === 'string' && out.message ? out.message : 'denied by script'}`, reason: typeof out.reason === 'string' && out.reason ? out.reason : 'Forbidden' };
      return object;
    }
    if (out.patch !== undefined) {
      if (!input.mutable) throw new HookError('script returned a patch but the hook point does not accept mutations');
      try {
        object = applyMutation(object ?? {}, 'JSONPatch', out.patch);
      } catch (err) {
        throw new HookError(`script patch: ${message(err)}`);
      }
    }
  }
  return object;
}
