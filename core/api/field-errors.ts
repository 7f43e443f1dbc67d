/**
 * Field errors (Kubernetes field.Error) and the 422 Invalid Status built from them. Validation
 * collects ALL errors, then `invalidError` turns the list into one Status whose details.causes
 * hold one entry per error.
 */
import type { FieldError } from '../registry/types';
import { statusError, type StatusError } from './status';

/** The text Kubernetes prints for each cause reason. */
const TYPE_TEXT: Readonly<Record<string, string>> = Object.freeze({
  FieldValueInvalid: 'Invalid value',
  FieldValueRequired: 'Required value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueTypeInvalid: 'Invalid value',
  FieldValueNotFound: 'Not found',
  InternalError: 'Internal error',
});

/** How Kubernetes shows a value inside a message: strings quoted, numbers and booleans bare. */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (value === undefined) return '"<nil>"';
  if (Array.isArray(value)) return '[]' + (value.length ? 'interface{}{...}' : '');
  return '"object"';
}

export function fieldInvalid(field: string, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, message: `Invalid value: ${showValue(value)}: ${detail}` };
}

export function fieldRequired(field: string, detail = ''): FieldError {
  return { type: 'FieldValueRequired', field, message: detail ? `Required value: ${detail}` : 'Required value' };
}

export function fieldForbidden(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, message: `Forbidden: ${detail}` };
}

export function fieldTooLong(field: string, max: number): FieldError {
  return { type: 'FieldValueTooLong', field, message: `Too long: may not be more than ${max} bytes` };
}

export function fieldNotSupported(field: string, value: unknown, valid: readonly string[]): FieldError {
  const list = valid.map((v) => JSON.stringify(v)).join(', ');
  return { type: 'FieldValueNotSupported', field, message: `Unsupported value: ${showValue(value)}: supported values: ${list}` };
}

export function fieldDuplicate(field: string, value: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field, message: `Duplicate value: ${showValue(value)}` };
}

/** The error body (`Invalid value: "x": detail`), prefixed with the type text when a plugin left it out. */
export function errorBody(err: FieldError): string {
  const text = TYPE_TEXT[err.type];
  if (!text || err.message.startsWith(text)) return err.message;
  return `${text}: ${err.message}`;
}

/** `field: body`, as in Status messages. */
export function formatFieldError(err: FieldError): string {
  return err.field ? `${err.field}: ${errorBody(err)}` : errorBody(err);
}

/**
 * 422 Invalid: `Widget.test.k8ts.dev "w1" is invalid: <errors>` with details {name, group, kind: Kind,
 * causes}. One error is shown bare, several as `[a, b]` (as Kubernetes aggregates them).
 */
export function invalidError(kind: string, group: string, name: string, errors: readonly FieldError[]): StatusError {
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const shown = errors.map(formatFieldError);
  const joined = shown.length === 1 ? shown[0] : `[${shown.join(', ')}]`;
  return statusError('Invalid', `${qualifiedKind} "${name}" is invalid: ${joined}`, {
    name,
    group,
    kind,
    causes: errors.map((e) => ({ reason: e.type, message: errorBody(e), field: e.field })),
  });
}
