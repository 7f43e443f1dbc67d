/**
 * A static cost bound for x-kubernetes-validations rules, checked at CRD create so no rule can
 * stall the apiserver: nested comprehensions (all, exists, exists_one, map, filter) multiply the
 * sizes of the collections they iterate. A collection's size comes from its schema (maxItems,
 * maxProperties, maxLength); one the schema does not bound counts as unbounded. A rule whose
 * nested iterations may exceed PER_RULE_ITERATIONS (Kubernetes' per-call cost limit, 1e6) is
 * refused, like Kubernetes refuses rules whose estimated cost exceeds its budget. A single
 * comprehension over an unbounded list stays allowed (linear in the request size).
 * This counts iterations only, not Kubernetes' cost units of every operation.
 */
import { compile } from '../../../core/api/cel';
import { asSchema, fieldSchema, isObj, itemsOf, type Schema } from './types';

export const PER_RULE_ITERATIONS = 1_000_000;
const MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

interface Node {
  op: string;
  args: unknown;
}

const isNode = (v: unknown): v is Node => isObj(v) && typeof v.op === 'string';

/** The schema an expression refers to (self/oldSelf paths and comprehension variables), if known. */
function schemaOfExpr(n: unknown, self: Schema, vars: Map<string, Schema | undefined>): Schema | undefined {
  if (!isNode(n)) return undefined;
  if (n.op === 'id') {
    const name = String(n.args);
    if (name === 'self' || name === 'oldSelf') return self;
    return vars.get(name);
  }
  if (n.op === '.' && Array.isArray(n.args)) {
    const base = schemaOfExpr(n.args[0], self, vars);
    return base ? fieldSchema(base, String(n.args[1])) : undefined;
  }
  if (n.op === '[]' && Array.isArray(n.args)) {
    const base = schemaOfExpr(n.args[0], self, vars);
    return base ? (base.type === 'array' ? itemsOf(base) : asSchema(base.additionalProperties)) : undefined;
  }
  return undefined;
}

function sizeOf(s: Schema | undefined): number {
  if (!s) return Infinity;
  if (s.type === 'array') return typeof s.maxItems === 'number' ? s.maxItems : Infinity;
  if (s.type === 'object') return typeof s.maxProperties === 'number' ? s.maxProperties : Infinity;
  if (s.type === 'string') return typeof s.maxLength === 'number' ? s.maxLength : Infinity;
  return Infinity;
}

function elementOf(s: Schema | undefined): Schema | undefined {
  if (!s) return undefined;
  if (s.type === 'array') return itemsOf(s);
  if (s.type === 'object') return { type: 'string' };
  return undefined;
}

/** The largest product of nested iteration counts in the expression. */
function maxIterations(n: unknown, self: Schema, vars: Map<string, Schema | undefined>): number {
  if (Array.isArray(n)) return Math.max(1, ...n.map((x) => maxIterations(x, self, vars)));
  if (!isNode(n)) return 1;
  const args = n.args;
  if (n.op === 'rcall' && Array.isArray(args) && MACROS.has(String(args[0])) && Array.isArray(args[2]) && args[2].length >= 2) {
    const target = args[1];
    const targetSchema = schemaOfExpr(target, self, vars);
    const size = sizeOf(targetSchema);
    const variable = isNode(args[2][0]) && args[2][0].op === 'id' ? String(args[2][0].args) : '';
    const inner = new Map(vars).set(variable, elementOf(targetSchema));
    const body = Math.max(1, ...args[2].slice(1).map((x: unknown) => maxIterations(x, self, inner)));
    return Math.max(maxIterations(target, self, vars), size === 0 ? 0 : size * body);
  }
  return Array.isArray(args) ? maxIterations(args, self, vars) : 1;
}

/** Why a rule is too expensive for the node it sits on, or undefined. */
export function costError(rule: string, node: Schema): string | undefined {
  let n: number;
  try {
    n = maxIterations(compile(rule).ast, node, new Map());
  } catch {
    return undefined;
  }
  if (n <= PER_RULE_ITERATIONS || (n === Infinity && !nested(rule))) return undefined;
  return n === Infinity
    ? 'estimated rule cost exceeds budget: nested iterations over collections without maxItems/maxProperties/maxLength'
    : `estimated rule cost exceeds budget by factor of ${(n / PER_RULE_ITERATIONS).toFixed(1)}x (try adding maxItems/maxProperties/maxLength)`;
}

/** Does the rule nest comprehensions over at least one unbounded collection (single unbounded loops are linear)? */
function nested(rule: string): boolean {
  const depth = (n: unknown): number => {
    if (Array.isArray(n)) return Math.max(0, ...n.map(depth));
    if (!isNode(n)) return 0;
    const a = n.args;
    if (n.op === 'rcall' && Array.isArray(a) && MACROS.has(String(a[0]))) return 1 + Math.max(depth(a[1]), depth(a[2]));
    return Array.isArray(a) ? depth(a) : 0;
  };
  return depth(compile(rule).ast) >= 2;
}
