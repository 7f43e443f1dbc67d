/**
 * x-kubernetes-embedded-resource objects carry their own ObjectMeta: like apiextensions-apiserver,
 * their metadata must be an object whose labels and annotations are valid and whose namespace (when
 * set) is a DNS-1123 label; names are not checked (the embedded kind is unknown).
 */
import { fieldInvalid } from '../../../core/api/field-errors';
import { dns1123Label, validateAnnotations, validateLabels } from '../../../core/api/validation';
import type { FieldError } from '../../../core/registry/types';
import { anyBelow, fieldSchema, isEmbedded, isObj, itemsOf, joinField, joinIndex, type Schema } from './types';

const embeddedBelow = new WeakMap<Schema, boolean>();

function validateMeta(meta: unknown, path: string, errors: FieldError[]): void {
  if (meta === undefined || meta === null) return;
  if (!isObj(meta)) {
    errors.push({ type: 'FieldValueTypeInvalid', field: path, message: `Invalid value: ${JSON.stringify(meta)}: must be an object` });
    return;
  }
  if (meta.namespace !== undefined && meta.namespace !== '') {
    const ns = String(meta.namespace);
    for (const m of dns1123Label(ns)) errors.push(fieldInvalid(`${path}.namespace`, ns, m));
  }
  errors.push(...validateLabels(meta.labels, `${path}.labels`), ...validateAnnotations(meta.annotations, `${path}.annotations`));
}

export function validateEmbedded(value: unknown, s: Schema, path: string, errors: FieldError[]): void {
  if (value === null || typeof value !== 'object' || !anyBelow(s, isEmbedded, embeddedBelow)) return;
  if (Array.isArray(value)) {
    const items = itemsOf(s);
    if (items) value.forEach((v, i) => validateEmbedded(v, items, joinIndex(path, i), errors));
    return;
  }
  if (!isObj(value)) return;
  if (isEmbedded(s) && path) validateMeta(value.metadata, joinField(path, 'metadata'), errors);
  for (const key of Object.keys(value)) {
    if (isEmbedded(s) && key === 'metadata') continue;
    const child = fieldSchema(s, key);
    if (child) validateEmbedded(value[key], child, joinField(path, key), errors);
  }
}
