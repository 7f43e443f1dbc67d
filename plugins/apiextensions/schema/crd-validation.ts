/**
 * validateCustomResourceDefinition: the whole CRD check. The resource plugin's checks (name,
 * group, scope, names, versions and their flags, exactly one storage version, subresources,
 * printer columns, conversion) run first; then per version with a schema: the structural rules
 * (structural.ts), every `default` pruned-stable and valid against its node (after nested
 * defaulting, list uniqueness and CEL rules included), every x-kubernetes-validations rule
 * (compiles, messageExpression compiles, message well formed, reason supported, fieldPath refers
 * to a field, oldSelf only where the node can be correlated), printer column JSONPaths that
 * parse, and selectableFields (at most 8, unique, resolving to a string/integer/boolean field).
 */
import { celEnvironment, compileError, newBudget } from '../../../core/api/cel';
import { fieldDuplicate, fieldForbidden, fieldInvalid, fieldNotSupported, fieldRequired } from '../../../core/api/field-errors';
import type { FieldError } from '../../../core/registry/types';
import { validateCRD } from '../../resources/apiextensions/customresourcedefinitions/validation';
import { compileValidator, runValidator } from './ajv';
import { costError } from './cost';
import { validateLists } from './lists';
import { defaultValue, pruneValue } from './prune';
import { buildRuleTree, celValue, evaluateRules, isTransitionRule, RULE_REASONS, type RuleRun } from './rules';
import { type NodeInfo, validateStructural } from './structural';
import { asSchema, fieldSchema, isObj, itemsOf, preservesUnknown, type Schema } from './types';

const MAX_SELECTABLE_FIELDS = 8;

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** A default must survive pruning unchanged and validate against its own node. */
function checkDefault(s: Schema, path: string, errors: FieldError[]): void {
  const at = `${path}.default`;
  const value = clone(s.default);
  const dropped: string[] = [];
  pruneValue(value, s, '', dropped);
  if (dropped.length) {
    errors.push(fieldInvalid(at, s.default, `must not have unknown fields: ${dropped.join(', ')}`));
    return;
  }
  defaultValue(value, s);
  const found: FieldError[] = runValidator(compileValidator(s), value);
  validateLists(value, s, '', found);
  if (!found.length) {
    try {
      const tree = buildRuleTree(s);
      if (tree) {
        const run: RuleRun = { budget: newBudget(100), errors: found, exhausted: false };
        evaluateRules(tree, celValue(value, s), undefined, false, '', run);
      }
    } catch {
      // rules that do not compile are reported on their own
    }
  }
  for (const e of found) errors.push({ ...e, field: e.field ? `${at}.${e.field}` : at });
}

const SEGMENT = /\.([A-Za-z_$][A-Za-z0-9_$-]*)|\['((?:[^'\\]|\\.)*)'\]|\[(\d+)\]/y;

/** Resolve a rule's fieldPath (`.spec.x`, `['a.b']`, `[0]`) against the node; an error text or undefined. */
function fieldPathError(s: Schema, fieldPath: string): string | undefined {
  let cur: Schema | undefined = s;
  SEGMENT.lastIndex = 0;
  let pos = 0;
  while (pos < fieldPath.length) {
    SEGMENT.lastIndex = pos;
    const m = SEGMENT.exec(fieldPath);
    if (!m) return 'fieldPath must be a valid path';
    pos = SEGMENT.lastIndex;
    if (!cur) continue;
    if (m[3] !== undefined) {
      if (cur.type !== 'array') return 'fieldPath must be a valid path: does not refer to a valid field';
      cur = itemsOf(cur);
      continue;
    }
    const name = m[1] ?? m[2];
    const next = fieldSchema(cur, name);
    if (!next && !preservesUnknown(cur)) return 'fieldPath must be a valid path: does not refer to a valid field';
    cur = next;
  }
  return undefined;
}

/** Parse errors, then type errors (undeclared functions and overloads; variables are dyn), then the result type. */
function celError(expression: string, resultType: 'bool' | 'string'): string | undefined {
  const parseError = compileError(expression);
  if (parseError) return parseError;
  try {
    const checked = celEnvironment.check(expression);
    if (!checked.valid) return `ERROR: ${(checked.error?.message ?? 'type check failed').split('\n')[0]}`;
    if (checked.type !== resultType && checked.type !== 'dyn') return `must evaluate to ${resultType === 'bool' ? 'a bool' : 'a string'}, not ${checked.type}`;
    return undefined;
  } catch (err) {
    return (err as Error).message.split('\n')[0];
  }
}

function checkRules(s: Schema, path: string, info: NodeInfo, errors: FieldError[]): void {
  const raw = s['x-kubernetes-validations'];
  if (raw === undefined) return;
  const listPath = `${path}.x-kubernetes-validations`;
  if (!Array.isArray(raw)) {
    errors.push(fieldInvalid(listPath, raw, 'must be a list of validation rules'));
    return;
  }
  raw.forEach((r, i) => {
    const p = `${listPath}[${i}]`;
    if (!isObj(r) || typeof r.rule !== 'string' || !r.rule.trim()) {
      errors.push(fieldRequired(`${p}.rule`));
      return;
    }
    const rule = r.rule;
    const err = celError(rule, 'bool');
    if (err) errors.push(fieldInvalid(`${p}.rule`, rule, `compilation failed: ${err}`));
    else if (costError(rule, s)) errors.push({ type: 'FieldValueForbidden', field: `${p}.rule`, message: `Forbidden: ${costError(rule, s)}` });
    else if (isTransitionRule(rule) && !info.correlatable) errors.push(fieldInvalid(`${p}.rule`, rule, `oldSelf cannot be used on the uncorrelatable portion of the schema within ${path}`));
    if (r.messageExpression !== undefined) {
      const me = String(r.messageExpression);
      if (!me.trim()) errors.push(fieldRequired(`${p}.messageExpression`, 'messageExpression must be non-empty if specified'));
      else {
        const meErr = celError(me, 'string');
        if (meErr) errors.push(fieldInvalid(`${p}.messageExpression`, me, `messageExpression compilation failed: ${meErr}`));
      }
    }
    if (r.message !== undefined) {
      const m = String(r.message);
      if (!m.trim()) errors.push(fieldRequired(`${p}.message`, 'message must be non-empty if specified'));
      else if (m.includes('\n')) errors.push(fieldInvalid(`${p}.message`, m, 'message must not contain line breaks'));
    }
    if (r.reason !== undefined && !RULE_REASONS.includes(String(r.reason))) errors.push(fieldNotSupported(`${p}.reason`, r.reason, RULE_REASONS));
    if (r.fieldPath !== undefined) {
      const fpErr = typeof r.fieldPath === 'string' && r.fieldPath ? fieldPathError(s, r.fieldPath) : 'fieldPath must be a valid path';
      if (fpErr) errors.push(fieldInvalid(`${p}.fieldPath`, r.fieldPath, fpErr));
    }
    if (r.optionalOldSelf === true && !isTransitionRule(rule)) errors.push(fieldForbidden(`${p}.optionalOldSelf`, 'may not be set if rule does not use oldSelf'));
  });
}

/** A JSONPath (printer columns) that parses: balanced brackets and parentheses, closed quotes. */
export function jsonPathError(path: string): string | undefined {
  const stack: string[] = [];
  let quote = '';
  for (const ch of path) {
    if (quote) {
      if (ch === quote) quote = '';
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '(') stack.push(ch);
    else if (ch === ']' || ch === ')') {
      if (stack.pop() !== (ch === ']' ? '[' : '(')) return `unexpected ${ch}`;
    } else if (ch === '{' || ch === '}') return `unexpected ${ch}`;
  }
  if (quote) return 'unterminated quote';
  if (stack.length) return `unclosed ${stack[stack.length - 1]}`;
  if (/\.\.\.|\.$/.test(path)) return 'invalid field name';
  return undefined;
}

/** Resolve a simple `.a.b` path in the schema (no arrays), for selectableFields. */
function resolveSimple(root: Schema, jsonPath: string): Schema | undefined | 'invalid' {
  if (!/^(\.[A-Za-z0-9_-]+)+$/.test(jsonPath)) return 'invalid';
  let cur: Schema | undefined = root;
  for (const name of jsonPath.slice(1).split('.')) {
    if (!cur || cur.type === 'array') return undefined;
    cur = fieldSchema(cur, name);
  }
  return cur;
}

function checkSelectableFields(version: Record<string, unknown>, schema: Schema | undefined, path: string, errors: FieldError[]): void {
  const fields = version.selectableFields;
  if (!Array.isArray(fields)) return;
  const p = `${path}.selectableFields`;
  if (fields.length > MAX_SELECTABLE_FIELDS) errors.push({ type: 'FieldValueTooMany', field: p, message: `Too many: ${fields.length}: must have at most ${MAX_SELECTABLE_FIELDS} items` });
  const seen = new Set<string>();
  fields.forEach((f, i) => {
    const fp = `${p}[${i}].jsonPath`;
    const jsonPath = isObj(f) && typeof f.jsonPath === 'string' ? f.jsonPath : '';
    if (!jsonPath) return errors.push(fieldRequired(fp));
    if (seen.has(jsonPath)) errors.push(fieldDuplicate(fp, jsonPath));
    seen.add(jsonPath);
    if (!schema) return;
    const target = resolveSimple(schema, jsonPath);
    if (target === 'invalid') errors.push(fieldInvalid(fp, jsonPath, 'must be a simple json path starting with . (no arrays)'));
    else if (!target) errors.push(fieldInvalid(fp, jsonPath, 'is an invalid path: does not refer to a valid field'));
    else if (!['string', 'integer', 'boolean'].includes(String(target.type))) {
      errors.push(fieldInvalid(fp, jsonPath, 'must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.'));
    }
  });
}

/** Validate a CRD (create; `old` on update). Paths start at `metadata`/`spec`/`status`. */
export function validateCRDFull(crd: Record<string, unknown>, old?: Record<string, unknown>): FieldError[] {
  void old;
  const errors: FieldError[] = [];
  validateCRD(crd, errors);
  const spec = isObj(crd.spec) ? crd.spec : {};
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  versions.forEach((v, i) => {
    if (!isObj(v)) return;
    const path = `spec.versions[${i}]`;
    const schema = isObj(v.schema) ? asSchema(v.schema.openAPIV3Schema) : undefined;
    if (schema) {
      validateStructural(schema, `${path}.schema.openAPIV3Schema`, errors, (node, nodePath, info) => {
        if (node.default !== undefined) checkDefault(node, nodePath, errors);
        checkRules(node, nodePath, info, errors);
      });
    }
    if (Array.isArray(v.additionalPrinterColumns)) {
      v.additionalPrinterColumns.forEach((c, j) => {
        const jp = isObj(c) && typeof c.jsonPath === 'string' ? c.jsonPath : '';
        const err = jp.startsWith('.') ? jsonPathError(jp) : undefined;
        if (err) errors.push(fieldInvalid(`${path}.additionalPrinterColumns[${j}].JSONPath`, jp, `must be a valid JSONPath: ${err}`));
      });
    }
    checkSelectableFields(v, schema, path, errors);
  });
  return errors;
}
