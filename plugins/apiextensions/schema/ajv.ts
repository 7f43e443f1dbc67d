/**
 * OpenAPI v3 value validation of a custom resource with ajv: the structural schema is translated
 * once into a JSON Schema (draft-07) ajv understands (`nullable` -> a null type, OpenAPI's boolean
 * exclusiveMinimum/Maximum -> numeric ones, x-kubernetes-int-or-string -> integer|string, embedded
 * resources require apiVersion and kind, formats Kubernetes knows), compiled with allErrors, and
 * ajv's errors are mapped to Kubernetes field errors with kube-openapi's wording
 * (`spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"`).
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { fieldDuplicate, fieldNotSupported, fieldRequired, fieldTooLong } from '../../../core/api/field-errors';
import type { FieldError } from '../../../core/registry/types';
import { re2Engine } from './regex';
import { asSchema, isEmbedded, isIntOrString, isObj, jsonTypeOf, propertiesOf, type Schema } from './types';

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const UUID = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOSTNAME = /^(?=.{1,253}$)[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*\.?$/;
const MAC = /^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const DURATION = /^([-+]?(\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h|d|w))+$/;

function isIPv6(s: string): boolean {
  if (!s.includes(':') || !/^[0-9a-fA-F:.]+$/.test(s)) return false;
  const parts = s.split('::');
  if (parts.length > 2) return false;
  const groups = parts.flatMap((p) => (p ? p.split(':') : []));
  const last = groups[groups.length - 1] ?? '';
  const v4 = last.includes('.');
  if (v4 && !IPV4.test(last)) return false;
  const hex = v4 ? groups.slice(0, -1) : groups;
  if (!hex.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const count = hex.length + (v4 ? 2 : 0);
  return parts.length === 2 ? count < 8 : count === 8;
}

/** Formats Kubernetes validates (k8s.io/kube-openapi strfmt); others are ignored, as there. */
const FORMATS: Readonly<Record<string, { type: 'string' | 'number'; validate: (v: never) => boolean }>> = Object.freeze({
  int32: { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 },
  int64: { type: 'number', validate: (n: number) => Number.isInteger(n) },
  float: { type: 'number', validate: () => true },
  double: { type: 'number', validate: () => true },
  'date-time': { type: 'string', validate: (s: string) => RFC3339.test(s) && !Number.isNaN(Date.parse(s.replace(' ', 'T'))) },
  date: { type: 'string', validate: (s: string) => DATE.test(s) && !Number.isNaN(Date.parse(s)) },
  byte: { type: 'string', validate: (s: string) => BASE64.test(s.replace(/[\r\n]/g, '')) },
  uuid: { type: 'string', validate: (s: string) => UUID.test(s) },
  uuid3: { type: 'string', validate: (s: string) => UUID.test(s) },
  uuid4: { type: 'string', validate: (s: string) => UUID.test(s) },
  uuid5: { type: 'string', validate: (s: string) => UUID.test(s) },
  ipv4: { type: 'string', validate: (s: string) => IPV4.test(s) },
  ipv6: { type: 'string', validate: (s: string) => isIPv6(s) },
  cidr: {
    type: 'string',
    validate: (s: string) => {
      const [ip, bits, extra] = s.split('/');
      if (extra !== undefined || !bits || !/^\d{1,3}$/.test(bits)) return false;
      return (IPV4.test(ip) && Number(bits) <= 32) || (isIPv6(ip) && Number(bits) <= 128);
    },
  },
  mac: { type: 'string', validate: (s: string) => MAC.test(s) },
  hostname: { type: 'string', validate: (s: string) => HOSTNAME.test(s) },
  email: { type: 'string', validate: (s: string) => EMAIL.test(s) },
  uri: { type: 'string', validate: (s: string) => URL.canParse(s) },
  duration: { type: 'string', validate: (s: string) => DURATION.test(s) },
  password: { type: 'string', validate: () => true },
});

export const KNOWN_FORMATS: ReadonlySet<string> = new Set(Object.keys(FORMATS));

let shared: Ajv | undefined;
function ajv(): Ajv {
  if (!shared) {
    shared = new Ajv({ allErrors: true, strict: false, validateSchema: false, addUsedSchema: false, code: { regExp: re2Engine } });
    for (const [name, f] of Object.entries(FORMATS)) shared.addFormat(name, f as { type: 'string'; validate: (s: string) => boolean });
  }
  return shared;
}

const COPIED = ['maximum', 'minimum', 'multipleOf', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxProperties', 'minProperties', 'required'];

/** Translate one structural schema node to draft-07 for ajv. */
export function toAjvSchema(s: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const types: string[] = isIntOrString(s) ? ['integer', 'string'] : typeof s.type === 'string' && s.type ? [s.type] : [];
  if (types.length && s.nullable === true) types.push('null');
  if (types.length) out.type = types.length === 1 ? types[0] : types;
  for (const k of COPIED) if (s[k] !== undefined) out[k] = s[k];
  if (Array.isArray(s.enum)) out.enum = s.nullable === true ? [...s.enum, null] : s.enum;
  if (s.exclusiveMaximum === true && typeof s.maximum === 'number') {
    out.exclusiveMaximum = s.maximum;
    delete out.maximum;
  }
  if (s.exclusiveMinimum === true && typeof s.minimum === 'number') {
    out.exclusiveMinimum = s.minimum;
    delete out.minimum;
  }
  if (typeof s.format === 'string' && KNOWN_FORMATS.has(s.format)) out.format = s.format;
  const props = propertiesOf(s);
  if (props) out.properties = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, toAjvSchema(v)]));
  const additional = asSchema(s.additionalProperties);
  if (additional) out.additionalProperties = toAjvSchema(additional);
  const items = asSchema(s.items);
  if (items) out.items = toAjvSchema(items);
  for (const k of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(s[k])) out[k] = (s[k] as unknown[]).filter(isObj).map((x) => toAjvSchema(x as Schema));
  const not = asSchema(s.not);
  if (not) out.not = toAjvSchema(not);
  if (isEmbedded(s)) {
    const nonEmpty = { type: 'string', minLength: 1 };
    out.properties = { apiVersion: nonEmpty, kind: nonEmpty, ...((out.properties as object) ?? {}) };
    out.required = [...new Set([...((out.required as string[]) ?? []), 'apiVersion', 'kind'])];
  }
  return out;
}

/** Compile once; the schema is dropped from ajv's cache right away (the function keeps working), so CRD changes do not pile up. */
export function compileValidator(root: Schema): ValidateFunction {
  const schema = toAjvSchema(root);
  const fn = ajv().compile(schema);
  ajv().removeSchema(schema);
  return fn;
}

/** ajv's `/spec/ports/0/name` -> `spec.ports[0].name` (arrays by the value found there). */
function fieldPath(root: unknown, pointer: string): { path: string; value: unknown } {
  let path = '';
  let cur: unknown = root;
  if (!pointer) return { path, value: cur };
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      path += `[${seg}]`;
      cur = cur[Number(seg)];
    } else {
      path = path ? `${path}.${seg}` : seg;
      cur = isObj(cur) ? cur[seg] : undefined;
    }
  }
  return { path, value: cur };
}

const IN_BRANCH = /\/(anyOf|oneOf|not)\//;

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? 'null';
}

function toFieldError(e: ErrorObject, root: unknown): FieldError | undefined {
  const { path, value } = fieldPath(root, e.instancePath);
  const at = path || '<root>';
  const p = e.params as Record<string, unknown>;
  const invalid = (detail: string): FieldError => ({ type: 'FieldValueInvalid', field: path, message: `Invalid value: ${show(value)}: ${at} in body ${detail}` });
  switch (e.keyword) {
    case 'type': {
      const expected = String(p.type).split(',').filter((t) => t !== 'null').join(' or ');
      const actual = jsonTypeOf(value);
      return { type: 'FieldValueTypeInvalid', field: path, message: `Invalid value: "${actual}": ${at} in body must be of type ${expected}: "${actual}"` };
    }
    case 'required':
      return fieldRequired(path ? `${path}.${String(p.missingProperty)}` : String(p.missingProperty));
    case 'enum':
      return fieldNotSupported(path, value, ((e.schema as unknown[]) ?? []).filter((x) => x !== null).map((x) => (typeof x === 'string' ? x : JSON.stringify(x))));
    case 'format':
      return invalid(`must be of type ${String(p.format)}: ${show(value)}`);
    case 'maximum':
      return invalid(`should be less than or equal to ${String(p.limit)}`);
    case 'exclusiveMaximum':
      return invalid(`should be less than ${String(p.limit)}`);
    case 'minimum':
      return invalid(`should be greater than or equal to ${String(p.limit)}`);
    case 'exclusiveMinimum':
      return invalid(`should be greater than ${String(p.limit)}`);
    case 'multipleOf':
      return invalid(`should be a multiple of ${String(p.multipleOf)}`);
    case 'maxLength':
      return fieldTooLong(path, Number(p.limit));
    case 'minLength':
      return invalid(`should be at least ${String(p.limit)} chars long`);
    case 'pattern':
      return invalid(`should match '${String(p.pattern)}'`);
    case 'maxItems':
    case 'maxProperties':
      return { type: 'FieldValueTooMany', field: path, message: `Too many: ${Array.isArray(value) ? value.length : isObj(value) ? Object.keys(value).length : 0}: must have at most ${String(p.limit)} items` };
    case 'minItems':
      return invalid(`should have at least ${String(p.limit)} items`);
    case 'minProperties':
      return invalid(`should have at least ${String(p.limit)} properties`);
    case 'uniqueItems':
      return fieldDuplicate(`${path}[${String(p.j)}]`, (value as unknown[])[Number(p.j)]);
    case 'anyOf':
      return invalid('must validate at least one schema (anyOf)');
    case 'oneOf':
      return invalid('must validate one and only one schema (oneOf)');
    case 'not':
      return invalid('must not validate the schema (not)');
    default:
      return invalid(e.message ?? 'is invalid');
  }
}

/** Run a compiled validator; every error once, branch internals of anyOf/oneOf/not folded into their parent. */
export function runValidator(fn: ValidateFunction, obj: unknown): FieldError[] {
  if (fn(obj)) return [];
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of fn.errors ?? []) {
    if (IN_BRANCH.test(e.schemaPath)) continue;
    const err = toFieldError(e, obj);
    if (!err) continue;
    const key = `${err.type}|${err.field}|${err.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(err);
  }
  // a value of the wrong type is reported for its type only (enum, format, bounds say nothing more)
  const mistyped = new Set(out.filter((e) => e.type === 'FieldValueTypeInvalid').map((e) => e.field));
  return mistyped.size ? out.filter((e) => e.type === 'FieldValueTypeInvalid' || !mistyped.has(e.field)) : out;
}
