/** Shared by ConfigMap and Secret: data keys, the 1 MiB size limit, the `immutable` flag. */
import type { KObject } from '../../../../core/registry/types';
import { forbidden, index, invalid, type FieldError } from '../../shared/field-errors';
import { isConfigMapKey } from '../../shared/names';
import { isRecord, semanticEqual, type Json } from '../../shared/object';

export const MAX_DATA_SIZE = 1024 * 1024;

export function validateKeys(data: unknown, path: string, errors: FieldError[], also?: Json): void {
  if (!isRecord(data)) return;
  for (const key of Object.keys(data)) {
    for (const msg of isConfigMapKey(key)) errors.push(invalid(path, key, msg));
    if (also && key in also) errors.push(invalid(index(path, key), key, 'duplicate of key present in binaryData'));
  }
}

export function tooLarge(path: string, size: number, errors: FieldError[]): void {
  if (size > MAX_DATA_SIZE) errors.push({ type: 'FieldValueTooLong', field: path, message: `Too long: must have at most ${MAX_DATA_SIZE} bytes` });
}

/** `immutable: true` freezes the data and may not be unset. */
export function validateImmutable(obj: KObject, old: KObject, fields: readonly string[], errors: FieldError[]): void {
  if (old.immutable !== true) return;
  if (obj.immutable !== true) errors.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const f of fields) {
    if (!semanticEqual(obj[f], old[f])) errors.push(forbidden(f, 'field is immutable when `immutable` is set'));
  }
}
