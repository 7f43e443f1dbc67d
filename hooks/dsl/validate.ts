/**
 * API-independent validation of a Hook: shape, names, enum fields, and every CEL expression
 * compiled with the shared environment (core/api/cel). Used by the admission tap on
 * hooks.k8ts.dev objects (422 Invalid at create time) and by hookDirs loading and `k8ts hooks test`.
 */
import { compileError } from '../../core/api/cel';
import { fieldForbidden, fieldInvalid, fieldNotSupported, fieldRequired, fieldTooLong } from '../../core/api/field-errors';
import { labelSelectorFromObject } from '../../core/api/selectors';
import type { FieldError } from '../../core/registry/types';
import { limitsErrors, MAX_SOURCE_BYTES } from './script/limits';
import { hookShape } from './shapes';
import { hookPointOf, HOOKS_API_VERSION, HOOKS_KIND, type Json } from './types';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const QNAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const POINT = /^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)+$/;
export const MAX_EXPRESSIONS = 64;
export const MAX_SCRIPT_BYTES = MAX_SOURCE_BYTES;
const REASONS = ['Forbidden', 'Invalid', 'Unauthorized', 'RequestEntityTooLarge', 'Conflict', 'BadRequest'];

const isRec = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function expr(errors: FieldError[], field: string, value: unknown, required = true): void {
  if (value === undefined || value === '') {
    if (required) errors.push(fieldRequired(field));
    return;
  }
  if (typeof value !== 'string') return void errors.push(fieldInvalid(field, value, 'must be a string'));
  const why = compileError(value);
  if (why) errors.push(fieldInvalid(field, value, `compilation failed: ${why}`));
}

function list(errors: FieldError[], field: string, v: unknown): Json[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    errors.push(fieldInvalid(field, v, 'must be a list'));
    return [];
  }
  if (v.length > MAX_EXPRESSIONS) errors.push(fieldInvalid(field, v, `must have at most ${MAX_EXPRESSIONS} items`));
  return v.map((x, i) => {
    if (!isRec(x)) errors.push(fieldInvalid(`${field}[${i}]`, x, 'must be an object'));
    return isRec(x) ? x : {};
  });
}

function named(errors: FieldError[], field: string, v: unknown, identifier: boolean): void {
  const seen = new Set<string>();
  list(errors, field, v).forEach((x, i) => {
    if (typeof x.name !== 'string' || !(identifier ? IDENT : QNAME).test(x.name)) errors.push(x.name ? fieldInvalid(`${field}[${i}].name`, x.name, identifier ? 'must be a CEL identifier' : 'must be a qualified name') : fieldRequired(`${field}[${i}].name`));
    else if (seen.has(x.name)) errors.push({ type: 'FieldValueDuplicate', field: `${field}[${i}].name`, message: `Duplicate value: "${x.name}"` });
    else seen.add(x.name);
    expr(errors, `${field}[${i}].expression`, x.expression);
  });
}

function selector(errors: FieldError[], field: string, v: unknown): void {
  if (v === undefined) return;
  if (!isRec(v) || (Object.keys(v).length > 0 && !labelSelectorFromObject(v))) errors.push(fieldInvalid(field, v, 'not a valid label selector'));
}

function rules(errors: FieldError[], field: string, v: unknown): void {
  list(errors, field, v).forEach((r, i) => {
    for (const k of ['apiGroups', 'apiVersions', 'resources', 'operations']) {
      if (r[k] !== undefined && (!Array.isArray(r[k]) || r[k].some((x: unknown) => typeof x !== 'string'))) errors.push(fieldInvalid(`${field}[${i}].${k}`, r[k], 'must be a list of strings'));
    }
    for (const op of Array.isArray(r.operations) ? r.operations : []) {
      if (!['*', 'CREATE', 'UPDATE', 'DELETE', 'CONNECT'].includes(op)) errors.push(fieldNotSupported(`${field}[${i}].operations`, op, ['*', 'CREATE', 'UPDATE', 'DELETE', 'CONNECT']));
    }
  });
}

/**
 * Every problem of a Hook object, with paths from the object root (`spec.validations[0].expression`).
 * `knownPoints`, when given, is the set of hook point names that have a shape on this server.
 */
export function validateHook(obj: unknown, knownPoints?: ReadonlySet<string>): FieldError[] {
  const errors: FieldError[] = [];
  if (!isRec(obj)) return [fieldInvalid('', obj, 'must be an object')];
  if (obj.apiVersion !== undefined && obj.apiVersion !== HOOKS_API_VERSION) errors.push(fieldNotSupported('apiVersion', obj.apiVersion, [HOOKS_API_VERSION]));
  if (obj.kind !== undefined && obj.kind !== HOOKS_KIND) errors.push(fieldNotSupported('kind', obj.kind, [HOOKS_KIND]));
  if (!isRec(obj.metadata) || typeof obj.metadata.name !== 'string' || !obj.metadata.name) errors.push(fieldRequired('metadata.name'));
  const spec = obj.spec;
  if (!isRec(spec)) return [...errors, fieldRequired('spec')];
  if (spec.hookPoint !== undefined) {
    if (typeof spec.hookPoint !== 'string' || !POINT.test(spec.hookPoint)) errors.push(fieldInvalid('spec.hookPoint', spec.hookPoint, 'must be a dotted hook point name'));
    else if (knownPoints && !knownPoints.has(spec.hookPoint)) errors.push(fieldNotSupported('spec.hookPoint', spec.hookPoint, [...knownPoints].sort()));
  }
  if (spec.failurePolicy !== undefined && !['Fail', 'Ignore'].includes(spec.failurePolicy)) errors.push(fieldNotSupported('spec.failurePolicy', spec.failurePolicy, ['Fail', 'Ignore']));
  if (spec.match !== undefined) {
    if (!isRec(spec.match)) errors.push(fieldInvalid('spec.match', spec.match, 'must be an object'));
    else {
      rules(errors, 'spec.match.resourceRules', spec.match.resourceRules);
      rules(errors, 'spec.match.excludeResourceRules', spec.match.excludeResourceRules);
      selector(errors, 'spec.match.namespaceSelector', spec.match.namespaceSelector);
      selector(errors, 'spec.match.objectSelector', spec.match.objectSelector);
    }
  }
  named(errors, 'spec.matchConditions', spec.matchConditions, false);
  named(errors, 'spec.variables', spec.variables, true);
  if (spec.paramKind !== undefined && (!isRec(spec.paramKind) || typeof spec.paramKind.kind !== 'string' || typeof spec.paramKind.apiVersion !== 'string')) errors.push(fieldInvalid('spec.paramKind', spec.paramKind, 'needs apiVersion and kind'));
  if (spec.paramRef !== undefined) {
    const ref = spec.paramRef;
    if (!isRec(ref)) errors.push(fieldInvalid('spec.paramRef', ref, 'must be an object'));
    else {
      if (!spec.paramKind) errors.push(fieldRequired('spec.paramKind', 'paramRef needs paramKind'));
      if (!ref.name && !ref.selector) errors.push(fieldRequired('spec.paramRef.name', 'one of name or selector'));
      if (ref.name && ref.selector) errors.push(fieldInvalid('spec.paramRef', ref, 'name and selector are mutually exclusive'));
      selector(errors, 'spec.paramRef.selector', ref.selector);
      if (ref.parameterNotFoundAction !== undefined && !['Allow', 'Deny'].includes(ref.parameterNotFoundAction)) errors.push(fieldNotSupported('spec.paramRef.parameterNotFoundAction', ref.parameterNotFoundAction, ['Allow', 'Deny']));
    }
  }
  list(errors, 'spec.validations', spec.validations).forEach((v, i) => {
    expr(errors, `spec.validations[${i}].expression`, v.expression);
    expr(errors, `spec.validations[${i}].messageExpression`, v.messageExpression, false);
    if (v.reason !== undefined && !REASONS.includes(v.reason)) errors.push(fieldNotSupported(`spec.validations[${i}].reason`, v.reason, REASONS));
  });
  if (spec.validationActions !== undefined) {
    const acts = Array.isArray(spec.validationActions) ? spec.validationActions : [spec.validationActions];
    for (const a of acts) if (!['Deny', 'Warn', 'Audit'].includes(a)) errors.push(fieldNotSupported('spec.validationActions', a, ['Deny', 'Warn', 'Audit']));
    if (acts.includes('Deny') && acts.includes('Warn')) errors.push(fieldInvalid('spec.validationActions', acts, 'Deny and Warn may not be used together'));
  }
  list(errors, 'spec.auditAnnotations', spec.auditAnnotations).forEach((a, i) => {
    if (typeof a.key !== 'string' || !/^[A-Za-z0-9_.-]{1,63}$/.test(a.key)) errors.push(fieldInvalid(`spec.auditAnnotations[${i}].key`, a.key, 'must be a qualified name part'));
    expr(errors, `spec.auditAnnotations[${i}].valueExpression`, a.valueExpression);
  });
  list(errors, 'spec.mutations', spec.mutations).forEach((m, i) => {
    if (m.patchType === 'JSONPatch') expr(errors, `spec.mutations[${i}].jsonPatch.expression`, isRec(m.jsonPatch) ? m.jsonPatch.expression : undefined);
    else if (m.patchType === 'ApplyConfiguration') expr(errors, `spec.mutations[${i}].applyConfiguration.expression`, isRec(m.applyConfiguration) ? m.applyConfiguration.expression : undefined);
    else errors.push(fieldNotSupported(`spec.mutations[${i}].patchType`, m.patchType, ['JSONPatch', 'ApplyConfiguration']));
  });
  if (spec.script !== undefined) {
    const s = spec.script;
    if (!isRec(s) || typeof s.source !== 'string' || !s.source) errors.push(fieldRequired('spec.script.source'));
    else if (Buffer.byteLength(s.source) > MAX_SCRIPT_BYTES) errors.push(fieldTooLong('spec.script.source', MAX_SCRIPT_BYTES));
    if (isRec(s)) for (const why of limitsErrors({ timeoutMs: s.timeoutMs, memoryLimitMiB: s.memoryLimitMiB }, 'spec.script')) errors.push({ type: 'FieldValueInvalid', field: why.slice(0, why.indexOf(':')), message: `Invalid value: ${why.slice(why.indexOf(':') + 2)}` });
  }
  const shape = hookShape(hookPointOf(spec as never));
  if (shape?.sync) {
    if (spec.paramRef) errors.push(fieldForbidden('spec.paramRef', `not available at the synchronous hook point ${shape.point}`));
    if (spec.script) errors.push(fieldForbidden('spec.script', `not available at the synchronous hook point ${shape.point}`));
    if (spec.match?.namespaceSelector && Object.keys(spec.match.namespaceSelector).length) errors.push(fieldForbidden('spec.match.namespaceSelector', `not available at the synchronous hook point ${shape.point}`));
  }
  if (shape && !shape.mutable && spec.mutations?.length) errors.push(fieldForbidden('spec.mutations', `the hook point ${shape.point} does not accept mutations`));
  const acts = !!(spec.validations?.length || spec.mutations?.length || spec.script || spec.auditAnnotations?.length);
  if (!acts) errors.push(fieldRequired('spec.validations', 'a hook needs validations, mutations, auditAnnotations or a script'));
  return errors;
}
