/**
 * CEL for every part of k8ts that evaluates user expressions (webhook matchConditions, CRD
 * x-kubernetes-validations, the hooks DSL): one @marcbachmann/cel-js environment with structural
 * parse limits and a length limit, a compile cache, JSON <-> CEL value conversion, and a wall-clock
 * budget shared by all expressions of one request (evaluation is synchronous: the budget is checked
 * around each expression, and callers bound the work of one expression with the parse limits).
 */
import { Environment } from '@marcbachmann/cel-js';

export const MAX_EXPRESSION_LENGTH = 4096;

export const celEnvironment = new Environment({
  unlistedVariablesAreDyn: true,
  limits: { maxAstNodes: 2000, maxDepth: 32, maxListElements: 256, maxMapEntries: 256, maxCallArguments: 16 },
});

export type CompiledCel = ReturnType<Environment['parse']>;
const compiled = new Map<string, CompiledCel>();

/** Parse (cached); throws with a readable message when the expression is not valid CEL. */
export function compile(expression: string): CompiledCel {
  if (expression.length > MAX_EXPRESSION_LENGTH) throw new Error(`expression is longer than ${MAX_EXPRESSION_LENGTH} characters`);
  let c = compiled.get(expression);
  if (!c) {
    c = celEnvironment.parse(expression);
    if (compiled.size > 1000) compiled.clear();
    compiled.set(expression, c);
  }
  return c;
}

/** Why an expression does not compile, or undefined. */
export function compileError(expression: string): string | undefined {
  try {
    compile(expression);
    return undefined;
  } catch (err) {
    return (err as Error).message.split('\n')[0];
  }
}

/** JSON to CEL values: integers become int (BigInt), null stays null. */
export function toCel(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(toCel);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toCel(x);
    return out;
  }
  return v;
}

/** CEL values back to JSON: BigInt becomes number, Maps become objects. */
export function fromCel(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(fromCel);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), fromCel(x)]));
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = fromCel(x);
    return out;
  }
  return v;
}

export interface CelBudget {
  deadline: number;
}

export function newBudget(ms: number): CelBudget {
  return { deadline: Date.now() + ms };
}

/** Evaluate an expression within the budget; throws on errors and a spent budget. */
export function evaluate(expression: string, vars: Record<string, unknown>, budget: CelBudget): unknown {
  if (Date.now() > budget.deadline) throw new Error('CEL evaluation budget exceeded');
  const result = compile(expression)(vars);
  if (Date.now() > budget.deadline) throw new Error('CEL evaluation budget exceeded');
  return result;
}

/** Evaluate to a boolean; throws on errors, non-boolean results and a spent budget. */
export function evaluateCondition(expression: string, vars: Record<string, unknown>, budget: CelBudget): boolean {
  const result = evaluate(expression, vars, budget);
  if (typeof result !== 'boolean') throw new Error(`expression must evaluate to a bool, got ${typeof result}`);
  return result;
}
