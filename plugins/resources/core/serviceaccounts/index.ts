/** ServiceAccount (core/v1 serviceaccounts): secret reference validation, the SECRETS printer. */
import type { KObject } from '../../../../core/registry/types';
import { age } from '../../shared/age';
import { child, index, required } from '../../shared/field-errors';
import { arr, isRecord, str } from '../../shared/object';
import { AGE_COLUMN, column, NAME_COLUMN } from '../../shared/printer';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { onlyV1 } from '../../shared/versions';

export default defineResourcePlugin({
  name: 'ServiceAccount',
  description: 'core/v1 serviceaccounts: validation, printer',
  definition: {
    group: '',
    versions: onlyV1('', 'ServiceAccount'),
    names: { plural: 'serviceaccounts', singular: 'serviceaccount', kind: 'ServiceAccount', listKind: 'ServiceAccountList', shortNames: ['sa'] },
    namespaced: true,
    generation: 'none',
    printer: {
      columns: [NAME_COLUMN, column('Secrets', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'), AGE_COLUMN],
      row: (sa: KObject, now: Date) => [sa.metadata.name ?? '', arr(sa.secrets).length, age(sa, now)],
    },
  },
  validate(sa, errors) {
    arr(sa.imagePullSecrets).forEach((s, i) => {
      if (!isRecord(s) || !str(s.name)) errors.push(required(child(index('imagePullSecrets', i), 'name'), ''));
    });
  },
});
