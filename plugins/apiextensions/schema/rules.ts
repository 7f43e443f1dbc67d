/**
 * x-kubernetes-validations: CEL rules on schema nodes, evaluated with core/api/cel under one
 * wall-clock budget per request. `self` is the node's value (typed by the schema: integer -> int,
 * number -> double, date-time strings -> timestamp); transition rules (those that use `oldSelf`)
 * run only on update when the old object has a value at the same place (correlated through object
 * fields and x-kubernetes-list-type=map keys, as Kubernetes does). A failed rule is a field error of
 * the rule's `reason` (FieldValueInvalid by default) at the node's path plus `fieldPath`, with the
 * `messageExpression` result, else `message`, else `failed rule: <rule>`.
 */
import { compile, type CelBudget, toCel } from '../../../core/api/cel';
import type { FieldError } from '../../../core/registry/types';
import { sameValue } from './ratchet';
import { asSchema, isIntOrString, isObj, itemsOf, joinField, joinIndex, propertiesOf, type Schema } from './types';

export interface Rule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

/** The parts of a schema tree that carry rules (subtrees without rules are skipped entirely). */
export interface RuleNode {
  schema: Schema;
  rules: Rule[];
  props?: Map<string, RuleNode>;
  additional?: RuleNode;
  items?: RuleNode;
}

export const RULE_REASONS: readonly string[] = Object.freeze(['FieldValueInvalid', 'FieldValueForbidden', 'FieldValueRequired', 'FieldValueDuplicate']);

export function rulesOf(s: Schema): Rule[] {
  const v = s['x-kubernetes-validations'];
  return Array.isArray(v) ? (v.filter((r) => isObj(r) && typeof r.rule === 'string') as unknown as Rule[]) : [];
}

export function isTransitionRule(rule: string): boolean {
  return /\boldSelf\b/.test(rule);
}

/** Build the rule tree of a schema; undefined when no node below carries a rule. */
export function buildRuleTree(s: Schema): RuleNode | undefined {
  const node: RuleNode = { schema: s, rules: rulesOf(s) };
  let any = node.rules.length > 0;
  const props = propertiesOf(s);
  if (props) {
    for (const [k, ps] of Object.entries(props)) {
      const child = isObj(ps) ? buildRuleTree(ps) : undefined;
      if (child) (node.props ??= new Map()).set(k, child);
    }
    any ||= !!node.props;
  }
  const additional = asSchema(s.additionalProperties);
  if (additional) node.additional = buildRuleTree(additional);
  const items = itemsOf(s);
  if (items) node.items = buildRuleTree(items);
  any ||= !!node.additional || !!node.items;
  if (any) for (const r of node.rules) compile(r.rule);
  return any ? node : undefined;
}

const CEL_RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

/** Kubernetes' escaping of property names that are not CEL identifiers (`foo-bar` -> `foo__dash__bar`); undefined when none is needed. */
export function escapedPropertyName(name: string): string | undefined {
  if (CEL_RESERVED.has(name)) return `__${name}__`;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !name.includes('__')) return undefined;
  if (!/^[A-Za-z_./-][A-Za-z0-9_./-]*$/.test(name)) return undefined;
  return name.replace(/__/g, '__underscores__').replace(/\./g, '__dot__').replace(/-/g, '__dash__').replace(/\//g, '__slash__');
}

/** JSON -> CEL value typed by the schema. */
export function celValue(v: unknown, s: Schema | undefined): unknown {
  if (v === null || v === undefined || !s) return toCel(v);
  if (typeof v === 'number') return s.type === 'number' ? v : Number.isInteger(v) ? BigInt(v) : v;
  if (typeof v === 'string') {
    if (s.format === 'date-time' && !Number.isNaN(Date.parse(v))) return new Date(v);
    return v;
  }
  if (Array.isArray(v)) {
    const items = itemsOf(s);
    return v.map((x) => celValue(x, items));
  }
  if (isObj(v)) {
    const props = propertiesOf(s);
    const additional = asSchema(s.additionalProperties);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) continue;
      const declared = props && isObj(props[k]) ? props[k] : undefined;
      const child = declared ?? additional;
      out[k] = child ? celValue(x, child) : toCel(x);
      if (declared) {
        const escaped = escapedPropertyName(k);
        if (escaped && !(escaped in v)) out[escaped] = out[k];
      }
    }
    return out;
  }
  return v;
}

export interface RuleRun {
  budget: CelBudget;
  errors: FieldError[];
  exhausted: boolean;
}

function typeName(s: Schema): string {
  if (isIntOrString(s)) return 'integer or string';
  return typeof s.type === 'string' && s.type ? s.type : 'object';
}

function withFieldPath(path: string, fieldPath?: string): string {
  if (!fieldPath) return path;
  const rel = fieldPath.startsWith('.') ? fieldPath.slice(1) : fieldPath;
  return rel.startsWith('[') ? `${path}${rel}` : joinField(path, rel);
}

function ruleError(rule: Rule, path: string, s: Schema, message: string): FieldError {
  const field = withFieldPath(path, rule.fieldPath);
  switch (rule.reason) {
    case 'FieldValueForbidden':
      return { type: rule.reason, field, message: `Forbidden: ${message}` };
    case 'FieldValueRequired':
      return { type: rule.reason, field, message: `Required value: ${message}` };
    case 'FieldValueDuplicate':
      return { type: rule.reason, field, message: `Duplicate value: ${JSON.stringify(message)}` };
    default:
      return { type: 'FieldValueInvalid', field, message: `Invalid value: "${typeName(s)}": ${message}` };
  }
}

function defaultMessage(rule: Rule): string {
  return rule.message?.trim() ? rule.message.trim() : `failed rule: ${rule.rule.trim()}`;
}

function evaluateRule(rule: Rule, vars: Record<string, unknown>, run: RuleRun): boolean | Error {
  if (Date.now() > run.budget.deadline) return new Error('budget');
  try {
    const result = compile(rule.rule)(vars);
    if (typeof result !== 'boolean') return new Error(`rule must evaluate to a bool, got ${typeof result}`);
    return result;
  } catch (err) {
    return err as Error;
  }
}

function failureMessage(rule: Rule, vars: Record<string, unknown>): string {
  if (rule.messageExpression) {
    try {
      const m = compile(rule.messageExpression)(vars);
      if (typeof m === 'string' && m.trim() && !m.includes('\n')) return m;
    } catch {
      // an expression that fails falls back to message, as in Kubernetes
    }
  }
  return defaultMessage(rule);
}

function runRules(node: RuleNode, self: unknown, old: unknown, hasOld: boolean, path: string, run: RuleRun): void {
  for (const rule of node.rules) {
    if (run.exhausted) return;
    const transition = isTransitionRule(rule.rule);
    if (transition && !hasOld) continue;
    // ratcheting: a rule without oldSelf is not re-checked where the value did not change
    if (!transition && hasOld && sameValue(self, old)) continue;
    const vars: Record<string, unknown> = transition ? { self, oldSelf: old } : { self };
    const result = evaluateRule(rule, vars, run);
    if (result === true) continue;
    if (result instanceof Error && result.message === 'budget') {
      run.exhausted = true;
      run.errors.push({ type: 'FieldValueInvalid', field: path, message: `Invalid value: "${typeName(node.schema)}": validation failed due to running out of cost budget, no further validation rules will be run` });
      return;
    }
    const message = result instanceof Error ? `${defaultMessage(rule)}: ${result.message.split('\n')[0]}` : failureMessage(rule, vars);
    run.errors.push(ruleError(rule, path, node.schema, message));
  }
  if (Date.now() > run.budget.deadline && node.rules.length && !run.exhausted) {
    run.exhausted = true;
    run.errors.push({ type: 'FieldValueInvalid', field: path, message: `Invalid value: "${typeName(node.schema)}": validation failed due to running out of cost budget, no further validation rules will be run` });
  }
}

/** Keys of a map-typed list item, for correlating old items. */
function mapKey(item: unknown, keys: string[]): string | undefined {
  if (!isObj(item)) return undefined;
  return JSON.stringify(keys.map((k) => item[k] ?? null));
}

/**
 * Evaluate the rules of `node` and below. `self`/`old` are CEL values (converted once per request);
 * `hasOld` says whether the old object has a value correlated with this node.
 */
export function evaluateRules(node: RuleNode, self: unknown, old: unknown, hasOld: boolean, path: string, run: RuleRun): void {
  if (run.exhausted || self === null || self === undefined) return;
  runRules(node, self, old, hasOld, path, run);
  if (Array.isArray(self)) {
    if (!node.items) return;
    const keys = node.schema['x-kubernetes-list-type'] === 'map' && Array.isArray(node.schema['x-kubernetes-list-map-keys']) ? (node.schema['x-kubernetes-list-map-keys'] as string[]) : undefined;
    const oldByKey = new Map<string, unknown>();
    if (keys && hasOld && Array.isArray(old)) for (const o of old) oldByKey.set(mapKey(o, keys) ?? '', o);
    self.forEach((item, i) => {
      const k = keys ? mapKey(item, keys) : undefined;
      const o = k !== undefined ? oldByKey.get(k) : undefined;
      evaluateRules(node.items!, item, o, o !== undefined, joinIndex(path, i), run);
    });
    return;
  }
  if (!isObj(self)) return;
  const oldObj = hasOld && isObj(old) ? old : undefined;
  for (const [key, value] of Object.entries(self)) {
    const child = node.props?.get(key) ?? (propertiesOf(node.schema)?.[key] ? undefined : node.additional);
    if (!child) continue;
    const o = oldObj?.[key];
    evaluateRules(child, value, o, o !== undefined && o !== null, joinField(path, key), run);
  }
}
