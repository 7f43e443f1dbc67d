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
  // as Kubernetes' CEL: mixed-type list/map literals (JSON Patch values, apply configurations) and `.?` optionals
  homogeneousAggregateLiterals: false,
  enableOptionalTypes: true,
  limits: { maxAstNodes: 2000, maxDepth: 32, maxListElements: 256, maxMapEntries: 256, maxCallArguments: 16 },
});

/** Kubernetes' CEL libraries beyond the standard (lists: isSorted/sum/min/max/indexOf/lastIndexOf; strings: charAt/replace/reverse), as apiserver CEL offers them. */
function registerKubernetesLibrary(env: Environment): void {
  const less = (a: unknown, b: unknown): boolean => (a as number) < (b as number);
  const pick = (name: string, better: (a: unknown, b: unknown) => boolean) => (l: unknown[]) => {
    if (!l.length) throw new Error(`${name} called on empty list`);
    return l.reduce((a, b) => (better(b, a) ? b : a));
  };
  const equal = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)) === JSON.stringify(b, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
  env
    .registerFunction('list.isSorted(): bool', (l: unknown[]) => l.every((x, i) => i === 0 || !less(x, l[i - 1])))
    .registerFunction('list.sum(): dyn', (l: unknown[]) => (l.length ? l.reduce((a, b) => (a as number) + (b as number)) : 0n))
    .registerFunction('list.min(): dyn', pick('min', less))
    .registerFunction('list.max(): dyn', pick('max', (a, b) => less(b, a)))
    .registerFunction('list.indexOf(dyn): int', (l: unknown[], x: unknown) => BigInt(l.findIndex((y) => equal(x, y))))
    .registerFunction('list.lastIndexOf(dyn): int', (l: unknown[], x: unknown) => BigInt(l.findLastIndex((y) => equal(x, y))))
    .registerFunction('string.charAt(int): string', (s: string, i: bigint) => {
      if (i < 0n || i > BigInt(s.length)) throw new Error(`index out of range: ${i}`);
      return [...s][Number(i)] ?? '';
    })
    .registerFunction('string.replace(string, string): string', (s: string, a: string, b: string) => s.split(a).join(b))
    .registerFunction('string.replace(string, string, int): string', (s: string, a: string, b: string, n: bigint) => {
      if (!a) return s;
      let out = s;
      let from = 0;
      for (let k = 0n; n < 0n || k < n; k++) {
        const at = out.indexOf(a, from);
        if (at < 0) break;
        out = out.slice(0, at) + b + out.slice(at + a.length);
        from = at + b.length;
      }
      return out;
    })
    .registerFunction('string.reverse(): string', (s: string) => [...s].reverse().join(''));
}
registerKubernetesLibrary(celEnvironment);

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
