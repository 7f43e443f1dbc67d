/**
 * Label and annotation validation for embedded metadata (pod templates, selectors). The generic
 * store validates each object's own ObjectMeta.
 */
import { index, invalid, tooLong, type FieldError } from './field-errors';
import { isQualifiedName, isValidLabelValue } from './names';
import { isRecord } from './object';

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** Label keys must be qualified names and values valid label values. */
export function validateLabels(labels: unknown, path: string, errors: FieldError[]): void {
  if (!isRecord(labels)) return;
  for (const [k, v] of Object.entries(labels)) {
    for (const msg of isQualifiedName(k)) errors.push(invalid(path, k, msg));
    const value = typeof v === 'string' ? v : String(v);
    for (const msg of isValidLabelValue(value)) errors.push(invalid(index(path, k), value, msg));
  }
}

export function validateAnnotations(annotations: unknown, path: string, errors: FieldError[]): void {
  if (!isRecord(annotations)) return;
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const msg of isQualifiedName(k.toLowerCase())) errors.push(invalid(path, k, msg));
    size += k.length + (typeof v === 'string' ? v.length : 0);
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errors.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
}
