/**
 * matchConditions in CEL (@marcbachmann/cel-js): expressions over `object`, `oldObject`, `request`
 * (the AdmissionRequest) and `params`-free, with structural parse limits, a length limit and a
 * per-request time budget (the evaluator is synchronous: a request whose conditions together run
 * past the budget fails as a CEL error, which the webhook's failurePolicy then decides).
 */
import { Environment } from '@marcbachmann/cel-js';

export const MAX_EXPRESSION_LENGTH = 4096;
export const MAX_CONDITIONS = 64;
/** wall-clock budget of all match conditions of one request */
export const CEL_BUDGET_MS = 50;

const env = new Environment({
  unlistedVariablesAreDyn: true,
  limits: { maxAstNodes: 2000, maxDepth: 32, maxListElements: 256, maxMapEntries: 256, maxCallArguments: 16 },
});

type Compiled = ReturnType<Environment['parse']>;
const compiled = new Map<string, Compiled>();

/** Parse (cached); throws with a readable message when the expression is not valid CEL. */
export function compile(expression: string): Compiled {
  if (expression.length > MAX_EXPRESSION_LENGTH) throw new Error(`expression is longer than ${MAX_EXPRESSION_LENGTH} characters`);
  let c = compiled.get(expression);
  if (!c) {
    c = env.parse(expression);
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

export interface CelBudget {
  deadline: number;
}

/** Evaluate a condition to a boolean; throws on errors, non-boolean results and a spent budget. */
export function evaluateCondition(expression: string, vars: Record<string, unknown>, budget: CelBudget): boolean {
  if (Date.now() > budget.deadline) throw new Error('CEL evaluation budget exceeded');
  const result = compile(expression)(vars);
  if (Date.now() > budget.deadline) throw new Error('CEL evaluation budget exceeded');
  if (typeof result !== 'boolean') throw new Error(`expression must evaluate to a bool, got ${typeof result}`);
  return result;
}
