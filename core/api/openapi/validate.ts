/**
 * Decode-time schema checks of an object against its OpenAPI definition, with the semantics of
 * Kubernetes' JSON decoding (sigs.k8s.io/json, strict mode): unknown fields are reported by path
 * (`spec.template.spec.containers[0].imagePullPolicyy`), a value of the wrong JSON type is a type
 * error, and `null` is accepted anywhere (Go decodes it as "unset", so `creationTimestamp: null`
 * and `status: {}` as kubectl sends them are fine). Required fields are reported as
 * `FieldValueRequired` outside `status`, for non-scalar and string fields only (a missing Go int or
 * bool decodes to zero; validation decides about it).
 *
 * Each definition is compiled once with ajv (allErrors) and cached per schema registry generation.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { FieldError } from '../../registry/types';
import { builtinSchemaNames, getBuiltinSchema, type SchemaRegistry } from './schemas';
import { refName, type Schema } from './schema-types';

export interface SchemaCheckResult {
  /** dotted paths of fields the schema does not know */
  unknownFields: string[];
  /** type errors, bad formats, missing required fields */
  errors: FieldError[];
  /** the unknown fields as JSON paths (segments), for `pruneUnknownFields` */
  unknownPaths: string[][];
}

export interface SchemaCheckOptions {
  /** report missing required fields (default true) */
  required?: boolean;
}

const SCHEMA_ID = 'k8ts:/schemas/';
/** Fields the schema marks required whose empty value is valid (protobuf clients omit empty values). */
const GO_ZERO_VALID = new Set([
  'io.k8s.api.authentication.v1.TokenRequestSpec.audiences',
  'io.k8s.api.discovery.v1.EndpointSlice.endpoints',
  'io.k8s.api.discovery.v1.Endpoint.addresses',
  'io.k8s.api.core.v1.HTTPHeader.value',
  'io.k8s.api.core.v1.Sysctl.value',
]);
const FORMATS = new Set(['int32', 'int64', 'double', 'float', 'date-time', 'byte']);
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A set of definitions compiled on demand. */
class CompiledSet {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(defs: Iterable<[string, Schema]>) {
    this.ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false, addUsedSchema: false });
    this.ajv.addFormat('int32', { type: 'number', validate: (n: number) => n >= -2147483648 && n <= 2147483647 });
    this.ajv.addFormat('int64', { type: 'number', validate: () => true });
    this.ajv.addFormat('double', { type: 'number', validate: () => true });
    this.ajv.addFormat('float', { type: 'number', validate: () => true });
    this.ajv.addFormat('date-time', { type: 'string', validate: (s: string) => RFC3339.test(s) && !Number.isNaN(Date.parse(s)) });
    this.ajv.addFormat('byte', { type: 'string', validate: (s: string) => BASE64.test(s.replace(/[\r\n]/g, '')) });
    const all = new Map(defs);
    const lookup = (name: string) => all.get(name);
    for (const [name, schema] of all) this.ajv.addSchema({ $id: SCHEMA_ID + name, ...toAjv(schema, lookup, name) });
  }

  get(name: string): ValidateFunction | undefined {
    let fn = this.compiled.get(name);
    if (!fn) {
      fn = this.ajv.getSchema(SCHEMA_ID + name);
      if (fn) this.compiled.set(name, fn);
    }
    return fn;
  }
}

let builtinSet: CompiledSet | undefined;
const registrySets = new WeakMap<SchemaRegistry, { generation: number; set: CompiledSet }>();

function compiledSetFor(name: string, registry?: SchemaRegistry): CompiledSet {
  if (!registry || registry.isBuiltin(name)) {
    builtinSet ??= new CompiledSet(builtinSchemaNames().map((n) => [n, getBuiltinSchema(n) as Schema]));
    return builtinSet;
  }
  let entry = registrySets.get(registry);
  if (!entry || entry.generation !== registry.generation) {
    const names = [...builtinSchemaNames(), ...registry.extraNames()];
    entry = { generation: registry.generation, set: new CompiledSet(names.map((n) => [n, registry.get(n) as Schema])) };
    registrySets.set(registry, entry);
  }
  return entry.set;
}

/** true if `name` can be checked (a known definition). */
export function canCheck(name: string, registry?: SchemaRegistry): boolean {
  return (registry ? registry.get(name) : getBuiltinSchema(name)) !== undefined;
}

/** Check `obj` against definition `name` (built-in, or in `registry`). Unknown definitions find nothing. */
export function checkAgainstSchema(name: string, obj: unknown, registry?: SchemaRegistry, opts: SchemaCheckOptions = {}): SchemaCheckResult {
  const result: SchemaCheckResult = { unknownFields: [], errors: [], unknownPaths: [] };
  if (!canCheck(name, registry)) return result;
  const validate = compiledSetFor(name, registry).get(name);
  if (!validate || validate(obj)) return result;
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    const at = fieldPath(obj, e.instancePath);
    if (e.keyword === 'additionalProperties') {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const field = join(at, key);
      if (!seen.has(`u:${field}`)) {
        result.unknownFields.push(field);
        result.unknownPaths.push([...pointerSegments(e.instancePath), key]);
      }
      seen.add(`u:${field}`);
      continue;
    }
    const err = toFieldError(e, at, obj, opts);
    if (err && !seen.has(`${err.type}:${err.field}`)) {
      seen.add(`${err.type}:${err.field}`);
      result.errors.push(err);
    }
  }
  return result;
}

/** Drop the unknown fields found by `checkAgainstSchema` from `obj` in place (Go's decoder never keeps them). */
export function pruneUnknownFields(obj: unknown, result: SchemaCheckResult): void {
  for (const path of result.unknownPaths) {
    let cur: unknown = obj;
    for (const seg of path.slice(0, -1)) {
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
    if (cur && typeof cur === 'object' && !Array.isArray(cur)) delete (cur as Record<string, unknown>)[path[path.length - 1]];
  }
}

function toFieldError(e: ErrorObject, at: string, root: unknown, opts: SchemaCheckOptions): FieldError | undefined {
  const value = valueAt(root, e.instancePath);
  switch (e.keyword) {
    case 'type': {
      const expected = String((e.params as { type: string | string[] }).type)
        .split(',')
        .filter((t) => t !== 'null')
        .join(' or ');
      const actual = jsonType(value);
      return { type: 'FieldValueTypeInvalid', field: at, message: `Invalid value: "${actual}": ${at} in body must be of type ${expected}: "${actual}"` };
    }
    case 'required': {
      if (opts.required === false) return undefined;
      const field = join(at, (e.params as { missingProperty: string }).missingProperty);
      if (field === 'status' || field.startsWith('status.') || field.startsWith('status[')) return undefined;
      return { type: 'FieldValueRequired', field, message: 'Required value' };
    }
    case 'format': {
      const format = (e.params as { format: string }).format;
      return { type: 'FieldValueInvalid', field: at, message: `Invalid value: ${JSON.stringify(value)}: ${at} in body must be of type ${format}: ${JSON.stringify(value)}` };
    }
    default:
      return { type: 'FieldValueInvalid', field: at, message: `Invalid value: ${JSON.stringify(value)}: ${e.message ?? 'invalid'}` };
  }
}

/** ajv's `/spec/containers/0/name` -> `spec.containers[0].name` */
function fieldPath(root: unknown, pointer: string): string {
  let out = '';
  let cur: unknown = root;
  for (const seg of pointerSegments(pointer)) {
    if (Array.isArray(cur)) {
      out += `[${seg}]`;
      cur = cur[Number(seg)];
    } else {
      out = join(out, seg);
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

function valueAt(root: unknown, pointer: string): unknown {
  let cur = root;
  for (const seg of pointerSegments(pointer)) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? cur[Number(seg)] : (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

function pointerSegments(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function join(base: string, field: string): string {
  return base ? `${base}.${field}` : field;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** OpenAPI schema -> the ajv schema that checks what Go's decoder checks. */
function toAjv(s: Schema, lookup: (name: string) => Schema | undefined, defName?: string): Record<string, unknown> {
  const sub = (x: Schema) => toAjv(x, lookup);
  const single = s.allOf?.length === 1 ? s.allOf[0] : undefined;
  const ref = s.$ref ?? (single?.$ref && !s.properties ? single.$ref : undefined);
  if (ref) {
    const name = refName(ref);
    return name ? { $ref: SCHEMA_ID + name } : {};
  }
  const out: Record<string, unknown> = {};
  const types = schemaTypes(s);
  if (types) out.type = [...types, 'null'];
  if (s.format && FORMATS.has(s.format)) out.format = s.format;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  if (s.properties) {
    const props: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s.properties)) props[k] = sub(v);
    out.properties = props;
    if (!preserve) out.additionalProperties = s.additionalProperties === undefined || s.additionalProperties === false ? false : sub(s.additionalProperties as Schema);
    const required = (s.required ?? []).filter((p) => {
      const prop = s.properties?.[p];
      return prop !== undefined && !GO_ZERO_VALID.has(`${defName}.${p}`) && requiredWhenMissing(prop, lookup);
    });
    if (required.length > 0) out.required = required;
  } else if (s.additionalProperties !== undefined && !preserve) {
    out.additionalProperties = typeof s.additionalProperties === 'boolean' ? s.additionalProperties : sub(s.additionalProperties);
  }
  if (s.items) out.items = sub(s.items);
  if (s.allOf && !single) out.allOf = s.allOf.map(sub);
  return out;
}

/** The JSON types a schema admits (undefined = any). */
function schemaTypes(s: Schema): string[] | undefined {
  if (s['x-kubernetes-int-or-string'] || s.format === 'int-or-string') return ['integer', 'string'];
  if (s.type) return [s.type];
  const alternatives = s.oneOf ?? s.anyOf;
  if (alternatives?.every((a) => typeof a.type === 'string')) return alternatives.map((a) => a.type as string);
  return undefined;
}

/** Strings (also times and quantities) and lists are reported missing; ints, bools and structs are not. */
function requiredWhenMissing(s: Schema, lookup: (name: string) => Schema | undefined): boolean {
  const ref = s.$ref ?? (s.allOf?.length === 1 ? s.allOf[0].$ref : undefined);
  const target = ref ? lookup(refName(ref) ?? '') : s;
  if (!target) return false;
  if (target.type === 'string' || target.type === 'array') return true;
  return target.oneOf?.some((a) => a.type === 'string') === true && target.format !== 'int-or-string';
}
