/**
 * metav1.LabelSelector helpers: printing (labels.Selector.String, FormatLabelSelector,
 * FormatLabels), matching, and validation (ValidateLabelSelector).
 */
import { child, forbidden, index, invalid, required, type FieldError } from './field-errors';
import { validateLabels } from './meta-validation';
import { isQualifiedName } from './names';
import { arr, isRecord, recs, str, type Json } from './object';

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

interface Requirement {
  key: string;
  text: string;
}

/** labels.Selector.String(): requirements sorted by key, `a=b,c in (x,y),!d`; "" for an empty selector. */
export function selectorString(selector: unknown): string {
  if (!isRecord(selector)) return '';
  const reqs: Requirement[] = [];
  if (isRecord(selector.matchLabels)) {
    for (const [k, v] of Object.entries(selector.matchLabels)) reqs.push({ key: k, text: `${k}=${str(v)}` });
  }
  for (const e of recs(selector.matchExpressions)) {
    const key = str(e.key);
    const values = arr(e.values).map(String).sort();
    switch (e.operator) {
      case 'In':
        reqs.push({ key, text: `${key} in (${values.join(',')})` });
        break;
      case 'NotIn':
        reqs.push({ key, text: `${key} notin (${values.join(',')})` });
        break;
      case 'Exists':
        reqs.push({ key, text: key });
        break;
      case 'DoesNotExist':
        reqs.push({ key, text: `!${key}` });
        break;
    }
  }
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return reqs.map((r) => r.text).join(',');
}

/** metav1.FormatLabelSelector: the selector string, `<none>` when empty. */
export function formatLabelSelector(selector: unknown): string {
  return selectorString(selector) || '<none>';
}

/** labels.FormatLabels: `a=b,c=d` sorted by key, `<none>` when empty. */
export function formatLabels(labels: unknown): string {
  if (!isRecord(labels)) return '<none>';
  const keys = Object.keys(labels).sort();
  return keys.length ? keys.map((k) => `${k}=${str(labels[k])}`).join(',') : '<none>';
}

/** Does a LabelSelector select these labels? An empty selector selects everything; a missing one, nothing. */
export function selectorMatches(selector: unknown, labels: unknown): boolean {
  if (!isRecord(selector)) return false;
  const have: Json = isRecord(labels) ? labels : {};
  if (isRecord(selector.matchLabels)) {
    for (const [k, v] of Object.entries(selector.matchLabels)) if (have[k] !== v) return false;
  }
  for (const e of recs(selector.matchExpressions)) {
    const key = str(e.key);
    const present = Object.prototype.hasOwnProperty.call(have, key);
    const values = arr(e.values).map(String);
    switch (e.operator) {
      case 'In':
        if (!present || !values.includes(str(have[key]))) return false;
        break;
      case 'NotIn':
        if (present && values.includes(str(have[key]))) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** A selector with neither matchLabels nor matchExpressions. */
export function isEmptySelector(selector: unknown): boolean {
  if (!isRecord(selector)) return true;
  const labels = isRecord(selector.matchLabels) ? Object.keys(selector.matchLabels).length : 0;
  return labels === 0 && arr(selector.matchExpressions).length === 0;
}

/** A map selector (Service, ReplicationController) matches the labels. */
export function mapSelectorMatches(selector: unknown, labels: unknown): boolean {
  if (!isRecord(selector)) return false;
  const have = isRecord(labels) ? labels : {};
  return Object.entries(selector).every(([k, v]) => have[k] === v);
}

export function validateLabelSelector(selector: unknown, path: string, errors: FieldError[]): void {
  if (selector === undefined || selector === null) return;
  if (!isRecord(selector)) {
    errors.push(invalid(path, selector, 'must be a label selector'));
    return;
  }
  validateLabels(selector.matchLabels, child(path, 'matchLabels'), errors);
  arr(selector.matchExpressions).forEach((e, i) => {
    const p = index(child(path, 'matchExpressions'), i);
    if (!isRecord(e)) {
      errors.push(invalid(p, e, 'must be a label selector requirement'));
      return;
    }
    const values = arr(e.values);
    const op = str(e.operator);
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) errors.push(required(child(p, 'values'), 'must be specified when `operator` is \'In\' or \'NotIn\''));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) errors.push(forbidden(child(p, 'values'), 'may not be specified when `operator` is \'Exists\' or \'DoesNotExist\''));
    } else {
      errors.push(invalid(child(p, 'operator'), e.operator ?? '', `not a valid selector operator (valid: ${OPERATORS.join(', ')})`));
    }
    for (const msg of isQualifiedName(str(e.key))) errors.push(invalid(child(p, 'key'), e.key ?? '', msg));
  });
}
