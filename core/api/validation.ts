/**
 * Syntax and size checks Kubernetes applies to every object's metadata: DNS-1123 names, qualified
 * names (label and annotation keys), label values, the 256 KiB annotation budget. Each check
 * returns messages; `validateObjectMeta` turns them into FieldErrors, collecting all of them.
 */
import type { FieldError, ObjectMeta } from '../registry/types';
import { fieldForbidden, fieldInvalid, fieldRequired } from './field-errors';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export const DNS1123_LABEL_MAX = 63;
export const DNS1123_SUBDOMAIN_MAX = 253;
export const QUALIFIED_NAME_MAX = 63;
export const LABEL_VALUE_MAX = 63;
/** total size of all annotation keys and values */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const QUALIFIED_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

function maxLen(max: number): string {
  return `must be no more than ${max} characters`;
}

export function dns1123Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_LABEL_MAX) errs.push(maxLen(DNS1123_LABEL_MAX));
  if (!DNS1123_LABEL.test(value)) errs.push(LABEL_MSG);
  return errs;
}

export function dns1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX) errs.push(maxLen(DNS1123_SUBDOMAIN_MAX));
  if (!DNS1123_SUBDOMAIN.test(value)) errs.push(SUBDOMAIN_MSG);
  return errs;
}

/** Names that only have to be a valid URL path segment (RBAC roles, `system:` names). */
export function pathSegmentName(value: string): string[] {
  if (value === '.' || value === '..') return [`may not be '${value}'`];
  const errs: string[] = [];
  for (const bad of ['/', '%']) if (value.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}

/** A qualified name: `[prefix/]name` where prefix is a DNS subdomain (label and annotation keys, finalizers). */
export function qualifiedName(value: string): string[] {
  const parts = value.split('/');
  let name: string;
  const errs: string[] = [];
  if (parts.length === 1) name = parts[0];
  else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else for (const m of dns1123Subdomain(prefix)) errs.push(`prefix part ${m}`);
  } else {
    return [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > QUALIFIED_NAME_MAX) errs.push(`name part ${maxLen(QUALIFIED_NAME_MAX)}`);
  if (name.length > 0 && !QUALIFIED_NAME_PART.test(name)) errs.push(QUALIFIED_PART_MSG);
  return errs;
}

export function labelValue(value: string): string[] {
  const errs: string[] = [];
  if (value.length > LABEL_VALUE_MAX) errs.push(maxLen(LABEL_VALUE_MAX));
  if (!LABEL_VALUE.test(value)) errs.push(LABEL_VALUE_MSG);
  return errs;
}

export type NameValidation = 'DNS1123Subdomain' | 'DNS1123Label' | 'PathSegment';

export function nameValidator(kind: NameValidation | undefined): (v: string) => string[] {
  if (kind === 'DNS1123Label') return dns1123Label;
  if (kind === 'PathSegment') return pathSegmentName;
  return dns1123Subdomain;
}

function isStringMap(v: unknown): v is Record<string, string> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  for (const x of Object.values(v)) if (typeof x !== 'string') return false;
  return true;
}

export function validateLabels(labels: unknown, field: string): FieldError[] {
  if (labels === undefined || labels === null) return [];
  if (!isStringMap(labels)) return [fieldInvalid(field, labels, 'must be a map of string keys to string values')];
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels)) {
    for (const m of qualifiedName(k)) errs.push(fieldInvalid(field, k, m));
    for (const m of labelValue(v)) errs.push(fieldInvalid(`${field}`, v, m));
  }
  return errs;
}

export function validateAnnotations(annotations: unknown, field: string): FieldError[] {
  if (annotations === undefined || annotations === null) return [];
  if (!isStringMap(annotations)) return [fieldInvalid(field, annotations, 'must be a map of string keys to string values')];
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const m of qualifiedName(k.toLowerCase())) errs.push(fieldInvalid(field, k, m));
    total += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (total > ANNOTATIONS_MAX_BYTES) errs.push({ type: 'FieldValueTooLong', field, message: `Too long: must have at most ${ANNOTATIONS_MAX_BYTES} bytes` });
  return errs;
}

export function validateFinalizers(finalizers: unknown, field: string): FieldError[] {
  if (finalizers === undefined || finalizers === null) return [];
  if (!Array.isArray(finalizers)) return [fieldInvalid(field, finalizers, 'must be a list of strings')];
  const errs: FieldError[] = [];
  finalizers.forEach((f, i) => {
    if (typeof f !== 'string') errs.push(fieldInvalid(`${field}[${i}]`, f, 'must be a string'));
    else for (const m of qualifiedName(f)) errs.push(fieldInvalid(`${field}[${i}]`, f, m));
  });
  return errs;
}

export interface ObjectMetaRules {
  namespaced: boolean;
  nameValidation?: NameValidation;
}

/** ValidateObjectMeta: name (or generateName), namespace, labels, annotations, finalizers, ownerReferences. */
export function validateObjectMeta(meta: ObjectMeta, rules: ObjectMetaRules): FieldError[] {
  const errs: FieldError[] = [];
  const nameFn = nameValidator(rules.nameValidation);
  if (typeof meta.name !== 'string' || meta.name === '') {
    errs.push(fieldRequired('metadata.name', 'name or generateName is required'));
  } else {
    for (const m of nameFn(meta.name)) errs.push(fieldInvalid('metadata.name', meta.name, m));
  }
  if (meta.generateName !== undefined && typeof meta.generateName !== 'string') {
    errs.push(fieldInvalid('metadata.generateName', meta.generateName, 'must be a string'));
  }
  if (rules.namespaced) {
    if (!meta.namespace) errs.push(fieldRequired('metadata.namespace'));
    else for (const m of dns1123Label(meta.namespace)) errs.push(fieldInvalid('metadata.namespace', meta.namespace, m));
  } else if (meta.namespace) {
    errs.push(fieldForbidden('metadata.namespace', 'not allowed on this type'));
  }
  errs.push(...validateLabels(meta.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));
  errs.push(...validateFinalizers(meta.finalizers, 'metadata.finalizers'));
  if (meta.ownerReferences !== undefined && meta.ownerReferences !== null) {
    if (!Array.isArray(meta.ownerReferences)) errs.push(fieldInvalid('metadata.ownerReferences', meta.ownerReferences, 'must be a list'));
    else {
      let controllers = 0;
      meta.ownerReferences.forEach((ref, i) => {
        const f = `metadata.ownerReferences[${i}]`;
        if (typeof ref !== 'object' || ref === null) return void errs.push(fieldInvalid(f, ref, 'must be an object'));
        for (const k of ['apiVersion', 'kind', 'name', 'uid'] as const) {
          if (typeof ref[k] !== 'string' || ref[k] === '') errs.push(fieldRequired(`${f}.${k}`));
        }
        if (ref.controller === true) controllers++;
      });
      if (controllers > 1) errs.push(fieldInvalid('metadata.ownerReferences', 'object', 'Only one reference can have Controller set to true'));
    }
  }
  if (meta.generation !== undefined && (typeof meta.generation !== 'number' || meta.generation < 0)) {
    errs.push(fieldInvalid('metadata.generation', meta.generation, 'must be greater than or equal to 0'));
  }
  return errs;
}
