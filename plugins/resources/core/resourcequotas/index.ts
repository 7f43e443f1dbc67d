/** ResourceQuota (core/v1 resourcequotas): hard/used quantities, scopes, status, the REQUEST/LIMIT printer. */
import type { KObject } from '../../../../core/registry/types';
import { age } from '../../shared/age';
import { child, index, invalid, notSupported, type FieldError } from '../../shared/field-errors';
import { isQualifiedName } from '../../shared/names';
import { arr, isRecord, recs, str, type Json } from '../../shared/object';
import { AGE_COLUMN, column, NAME_COLUMN } from '../../shared/printer';
import { parseQuantity, QUANTITY_FORMAT_MESSAGE, quantityString } from '../../shared/quantity';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { onlyV1 } from '../../shared/versions';

const SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity'];

function validateList(list: unknown, path: string, errors: FieldError[]): void {
  if (!isRecord(list)) return;
  for (const [name, q] of Object.entries(list)) {
    for (const msg of isQualifiedName(name)) errors.push(invalid(path, name, msg));
    const v = parseQuantity(q);
    if (v === undefined) errors.push(invalid(index(path, name), q, QUANTITY_FORMAT_MESSAGE));
    else if (v < 0) errors.push(invalid(index(path, name), q, 'must be greater than or equal to 0'));
  }
}

/** `requests.cpu: 0/1, pods: 2/10` and `limits.cpu: 0/2`, sorted by resource name. */
export function quotaCells(quota: KObject): [string, string] {
  const status: Json = isRecord(quota.status) ? quota.status : {};
  const hard: Json = isRecord(status.hard) ? status.hard : {};
  const used: Json = isRecord(status.used) ? status.used : {};
  const requests: string[] = [];
  const limits: string[] = [];
  for (const name of Object.keys(hard).sort()) {
    const cell = `${name}: ${quantityString(used[name])}/${quantityString(hard[name])}`;
    const parts = name.split('.');
    (parts.length > 1 && parts[0] === 'limits' ? limits : requests).push(cell);
  }
  return [requests.join(', '), limits.join(', ')];
}

export default defineResourcePlugin({
  name: 'ResourceQuota',
  description: 'core/v1 resourcequotas: quantities, scopes, status, printer',
  definition: {
    group: '',
    versions: onlyV1('', 'ResourceQuota'),
    names: { plural: 'resourcequotas', singular: 'resourcequota', kind: 'ResourceQuota', listKind: 'ResourceQuotaList', shortNames: ['quota'] },
    namespaced: true,
    generation: 'none',
    subresources: { status: true },
    printer: {
      columns: [
        NAME_COLUMN,
        AGE_COLUMN,
        column('Request', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
        column('Limit', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
      ],
      row: (q: KObject, now: Date) => [q.metadata.name ?? '', age(q, now), ...quotaCells(q)],
    },
  },
  validate(quota, errors) {
    const spec: Json = isRecord(quota.spec) ? quota.spec : {};
    validateList(spec.hard, 'spec.hard', errors);
    arr(spec.scopes).forEach((s, i) => {
      if (!SCOPES.includes(str(s))) errors.push(notSupported(index('spec.scopes', i), s, SCOPES));
    });
    recs((spec.scopeSelector as Json | undefined)?.matchExpressions).forEach((e, i) => {
      if (!SCOPES.includes(str(e.scopeName))) errors.push(notSupported(child(index('spec.scopeSelector.matchExpressions', i), 'scopeName'), e.scopeName ?? '', SCOPES));
    });
  },
  validateStatusUpdate(quota, _old, errors) {
    const status: Json = isRecord(quota.status) ? quota.status : {};
    validateList(status.hard, 'status.hard', errors);
    validateList(status.used, 'status.used', errors);
  },
});
