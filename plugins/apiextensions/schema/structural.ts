/**
 * Structural schema rules of apiextensions-apiserver, checked node by node on a version's
 * openAPIV3Schema (paths like `spec.versions[0].schema.openAPIV3Schema.properties[spec].type`):
 * - every specified field, array item and additionalProperties has a type, unless
 *   x-kubernetes-int-or-string or x-kubernetes-preserve-unknown-fields says otherwise; the root
 *   is an object and not nullable;
 * - no properties together with additionalProperties, no additionalProperties: false, no
 *   uniqueItems, no $ref/$schema/id/definitions/dependencies/patternProperties/additionalItems,
 *   items a single schema, patterns that compile;
 * - inside allOf/anyOf/oneOf/not only value validations (no type, default, nullable,
 *   additionalProperties, description, title, x-kubernetes-*), and their properties must be
 *   specified in the structural part;
 * - at the root, metadata may only restrict name and generateName;
 * - x-kubernetes-* extensions consistent (int-or-string without type, embedded resources are
 *   objects with properties or preserve-unknown-fields, list-type/map-keys/map-type).
 * Each node is also handed to `visit` (defaults, CEL rules) with whether it is correlatable.
 */
import type { FieldError } from '../../../core/registry/types';
import { fieldForbidden, fieldInvalid, fieldNotSupported, fieldRequired } from '../../../core/api/field-errors';
import { re2 } from './regex';
import { asSchema, isEmbedded, isIntOrString, isObj, preservesUnknown, propertiesOf, type Schema } from './types';

const TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const SCALARS = ['boolean', 'integer', 'number', 'string'];
const UNSUPPORTED = ['$ref', '$schema', 'id', 'definitions', 'dependencies', 'patternProperties', 'additionalItems'];
const NOT_IN_VALUE_VALIDATION = ['type', 'default', 'nullable', 'additionalProperties', 'description', 'title'];
const METADATA_KEYS = ['type', 'properties', 'description', 'title'];

export interface NodeInfo {
  /** the node can be correlated with the old object (transition rules allowed) */
  correlatable: boolean;
  /** the node is the schema root */
  root: boolean;
}

export type NodeVisitor = (s: Schema, path: string, info: NodeInfo) => void;

interface Walk {
  errors: FieldError[];
  visit?: NodeVisitor;
}

const child = (path: string, key: string): string => `${path}.${key}`;

function checkType(s: Schema, path: string, what: string | undefined, w: Walk): void {
  const type = s.type;
  if (type === undefined || type === '') {
    if (what && !isIntOrString(s) && !preservesUnknown(s)) w.errors.push(fieldRequired(child(path, 'type'), `must not be empty for specified ${what}`));
    return;
  }
  if (typeof type !== 'string' || !TYPES.includes(type)) w.errors.push(fieldNotSupported(child(path, 'type'), type, TYPES));
  else if (isIntOrString(s)) w.errors.push(fieldInvalid(child(path, 'type'), type, 'must be empty if x-kubernetes-int-or-string is true'));
}

function checkKeywords(s: Schema, path: string, w: Walk): void {
  for (const k of UNSUPPORTED) if (s[k] !== undefined) w.errors.push(fieldForbidden(child(path, k), `${k} is not supported`));
  if (s.uniqueItems === true) w.errors.push(fieldForbidden(child(path, 'uniqueItems'), 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  if (s.additionalProperties === false) w.errors.push(fieldForbidden(child(path, 'additionalProperties'), 'additionalProperties cannot be set to false'));
  if (isObj(s.properties) && (isObj(s.additionalProperties) || s.additionalProperties === true)) {
    w.errors.push(fieldForbidden(child(path, 'additionalProperties'), 'additionalProperties and properties are mutual exclusive'));
  }
  if (Array.isArray(s.items)) w.errors.push(fieldForbidden(child(path, 'items'), 'items must be a schema object and not an array'));
  if (typeof s.pattern === 'string') {
    try {
      re2(s.pattern);
    } catch (err) {
      w.errors.push(fieldInvalid(child(path, 'pattern'), s.pattern, `must be a valid regular expression, but isn't: ${(err as Error).message}`));
    }
  }
  if (s['x-kubernetes-preserve-unknown-fields'] === false) w.errors.push(fieldInvalid(child(path, 'x-kubernetes-preserve-unknown-fields'), false, 'must be true or undefined'));
  if (isEmbedded(s)) {
    if (s.type !== 'object') w.errors.push(fieldInvalid(child(path, 'type'), s.type ?? '', 'must be object if x-kubernetes-embedded-resource is true'));
    if (!propertiesOf(s) && !preservesUnknown(s)) w.errors.push(fieldRequired(child(path, 'x-kubernetes-preserve-unknown-fields'), 'must be true if x-kubernetes-embedded-resource is true and properties are not specified'));
  }
  if (isIntOrString(s) && s.nullable === true) w.errors.push(fieldForbidden(child(path, 'nullable'), 'must be false if x-kubernetes-int-or-string is true'));
}

function checkListType(s: Schema, path: string, w: Walk): void {
  const listType = s['x-kubernetes-list-type'];
  const keys = s['x-kubernetes-list-map-keys'];
  const ltPath = child(path, 'x-kubernetes-list-type');
  const keysPath = child(path, 'x-kubernetes-list-map-keys');
  if (Array.isArray(keys) && keys.length && listType !== 'map') w.errors.push(fieldInvalid(ltPath, listType ?? '', 'must be map if x-kubernetes-list-map-keys is non-empty'));
  const mapType = s['x-kubernetes-map-type'];
  if (mapType !== undefined) {
    if (mapType !== 'granular' && mapType !== 'atomic') w.errors.push(fieldNotSupported(child(path, 'x-kubernetes-map-type'), mapType, ['granular', 'atomic']));
    else if (s.type !== 'object') w.errors.push(fieldInvalid(child(path, 'type'), s.type ?? '', 'must be object if x-kubernetes-map-type is specified'));
  }
  if (listType === undefined) return;
  if (!['atomic', 'set', 'map'].includes(String(listType))) {
    w.errors.push(fieldNotSupported(ltPath, listType, ['atomic', 'set', 'map']));
    return;
  }
  if (s.type !== 'array') {
    w.errors.push(fieldInvalid(child(path, 'type'), s.type ?? '', 'must be array if x-kubernetes-list-type is specified'));
    return;
  }
  const items = asSchema(s.items);
  if (!items) return;
  if (listType === 'set') {
    const scalar = SCALARS.includes(String(items.type)) || isIntOrString(items);
    const atomic = (items.type === 'object' && items['x-kubernetes-map-type'] === 'atomic') || (items.type === 'array' && items['x-kubernetes-list-type'] === 'atomic');
    if (!scalar && !atomic) w.errors.push(fieldInvalid(child(path, 'items.x-kubernetes-map-type'), items['x-kubernetes-map-type'] ?? null, 'must be atomic as item of a list with x-kubernetes-list-type=set'));
  }
  if (listType !== 'map') return;
  if (!Array.isArray(keys) || keys.length === 0) {
    w.errors.push(fieldRequired(keysPath, 'must not be empty if x-kubernetes-list-type is map'));
    return;
  }
  if (items.type !== 'object') {
    w.errors.push(fieldInvalid(child(path, 'items.type'), items.type ?? '', 'must be object if parent array\'s x-kubernetes-list-type is map'));
    return;
  }
  const props = propertiesOf(items) ?? {};
  const required = Array.isArray(items.required) ? items.required : [];
  const seen = new Set<unknown>();
  keys.forEach((k, i) => {
    const kp = `${keysPath}[${i}]`;
    if (seen.has(k)) w.errors.push({ type: 'FieldValueDuplicate', field: kp, message: `Duplicate value: ${JSON.stringify(k)}` });
    seen.add(k);
    const ks = typeof k === 'string' ? props[k] : undefined;
    if (!isObj(ks)) w.errors.push(fieldRequired(`${path}.items.properties[${String(k)}]`, 'entries in x-kubernetes-list-map-keys must be properties of the list items'));
    else if (!SCALARS.includes(String(ks.type)) && !isIntOrString(ks)) w.errors.push(fieldInvalid(`${path}.items.properties[${String(k)}].type`, ks.type ?? '', 'must be a scalar type if parent array\'s x-kubernetes-list-type is map'));
    else if (!required.includes(k) && ks.default === undefined) w.errors.push(fieldRequired(`${path}.items.required`, `all map keys must be required or have a default value, ${JSON.stringify(k)} is neither`));
  });
}

/** allOf/anyOf/oneOf/not: value validations only, on fields the structural part specifies. */
function checkValueValidation(s: Schema, structural: Schema | undefined, path: string, w: Walk): void {
  for (const k of NOT_IN_VALUE_VALIDATION) if (s[k] !== undefined) w.errors.push(fieldForbidden(child(path, k), 'must be empty to be structural'));
  for (const k of Object.keys(s)) if (k.startsWith('x-kubernetes-')) w.errors.push(fieldForbidden(child(path, k), 'must be empty to be structural'));
  const props = propertiesOf(s);
  if (props) {
    const known = structural ? propertiesOf(structural) : undefined;
    for (const [name, sub] of Object.entries(props)) {
      const p = `${path}.properties[${name}]`;
      if (!known?.[name] && !(structural && preservesUnknown(structural))) w.errors.push(fieldForbidden(p, 'must be specified in the structural part'));
      if (isObj(sub)) checkValueValidation(sub, known?.[name], p, w);
    }
  }
  const items = asSchema(s.items);
  if (items) checkValueValidation(items, structural ? asSchema(structural.items) : undefined, child(path, 'items'), w);
  checkJunctors(s, structural, path, w);
}

/** x-kubernetes-int-or-string may say `anyOf: [{type: integer}, {type: string}]` (also inside allOf), as Kubernetes allows. */
function isIntOrStringAnyOf(x: unknown): boolean {
  if (!isObj(x) || !Array.isArray(x.anyOf) || Object.keys(x).length !== 1 || x.anyOf.length !== 2) return false;
  const types = x.anyOf.map((b) => (isObj(b) && Object.keys(b).length === 1 ? b.type : undefined));
  return types.includes('integer') && types.includes('string');
}

function checkJunctors(s: Schema, structural: Schema | undefined, path: string, w: Walk): void {
  const intOrString = structural !== undefined && isIntOrString(structural);
  if (intOrString && isIntOrStringAnyOf({ anyOf: s.anyOf })) return checkJunctors({ ...s, anyOf: undefined }, structural, path, w);
  for (const k of ['allOf', 'anyOf', 'oneOf']) {
    if (s[k] === undefined) continue;
    if (!Array.isArray(s[k])) continue;
    (s[k] as unknown[]).forEach((x, i) => {
      if (intOrString && k === 'allOf' && isIntOrStringAnyOf(x)) return;
      if (isObj(x)) checkValueValidation(x as Schema, structural, `${path}.${k}[${i}]`, w);
    });
  }
  const not = asSchema(s.not);
  if (not) checkValueValidation(not, structural, child(path, 'not'), w);
}

function checkRootMetadata(meta: Schema, path: string, w: Walk): void {
  const extra = Object.keys(meta).filter((k) => !METADATA_KEYS.includes(k));
  const props = propertiesOf(meta) ?? {};
  const extraProps = Object.keys(props).filter((k) => k !== 'name' && k !== 'generateName');
  if (extra.length || extraProps.length) w.errors.push(fieldForbidden(path, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
  if (meta.type !== undefined && meta.type !== 'object') w.errors.push(fieldInvalid(child(path, 'type'), meta.type, 'must be object'));
  for (const k of ['name', 'generateName']) {
    const p = props[k];
    if (isObj(p) && p.type !== 'string') w.errors.push(fieldInvalid(`${path}.properties[${k}].type`, p.type ?? '', 'must be string'));
  }
}

function walkNode(s: Schema, path: string, what: string | undefined, info: NodeInfo, w: Walk): void {
  if (info.root) {
    if (s.type !== 'object') {
      if (s.type === undefined || s.type === '') w.errors.push(fieldRequired(child(path, 'type'), 'must not be empty at the root'));
      else w.errors.push(fieldInvalid(child(path, 'type'), s.type, 'must be object at the root'));
    }
    if (s.nullable === true) w.errors.push(fieldForbidden(child(path, 'nullable'), 'nullable cannot be true at the root'));
    if (isIntOrString(s)) w.errors.push(fieldForbidden(child(path, 'x-kubernetes-int-or-string'), 'must be false at the root'));
    if (isEmbedded(s)) w.errors.push(fieldForbidden(child(path, 'x-kubernetes-embedded-resource'), 'must be false at the root'));
  } else checkType(s, path, what, w);
  checkKeywords(s, path, w);
  checkListType(s, path, w);
  checkJunctors(s, s, path, w);
  w.visit?.(s, path, info);
  const props = propertiesOf(s);
  if (props) {
    for (const [name, sub] of Object.entries(props)) {
      const p = `${path}.properties[${name}]`;
      if (!isObj(sub)) continue;
      if (info.root && name === 'metadata') {
        checkRootMetadata(sub, p, w);
        continue;
      }
      walkNode(sub, p, 'object fields', { correlatable: info.correlatable, root: false }, w);
    }
  }
  const additional = asSchema(s.additionalProperties);
  if (additional) walkNode(additional, child(path, 'additionalProperties'), 'additionalProperties', { correlatable: info.correlatable, root: false }, w);
  const items = asSchema(s.items);
  if (items) {
    const correlatable = info.correlatable && s['x-kubernetes-list-type'] === 'map';
    walkNode(items, child(path, 'items'), 'array items', { correlatable, root: false }, w);
  }
}

/** Check the structural rules of `schema` (a version's openAPIV3Schema at `path`). */
export function validateStructural(schema: Schema, path: string, errors: FieldError[], visit?: NodeVisitor): void {
  walkNode(schema, path, undefined, { correlatable: true, root: true }, { errors, visit });
}
