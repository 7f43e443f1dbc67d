/** ConfigMap (core/v1 configmaps): key and size validation, `immutable`, the DATA printer. */
import type { KObject } from '../../../../core/registry/types';
import { age } from '../../shared/age';
import { isRecord } from '../../shared/object';
import { AGE_COLUMN, column, NAME_COLUMN } from '../../shared/printer';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { onlyV1 } from '../../shared/versions';
import { tooLarge, validateImmutable, validateKeys } from './data';

function count(v: unknown): number {
  return isRecord(v) ? Object.keys(v).length : 0;
}

export default defineResourcePlugin({
  name: 'ConfigMap',
  description: 'core/v1 configmaps: key and size validation, immutable, printer',
  definition: {
    group: '',
    versions: onlyV1('', 'ConfigMap'),
    names: { plural: 'configmaps', singular: 'configmap', kind: 'ConfigMap', listKind: 'ConfigMapList', shortNames: ['cm'] },
    namespaced: true,
    generation: 'none',
    printer: {
      columns: [NAME_COLUMN, column('Data', 'Data contains the configuration data.'), AGE_COLUMN],
      row: (cm: KObject, now: Date) => [cm.metadata.name ?? '', count(cm.data) + count(cm.binaryData), age(cm, now)],
    },
  },
  validate(cm, errors) {
    validateKeys(cm.data, 'data', errors, isRecord(cm.binaryData) ? cm.binaryData : undefined);
    validateKeys(cm.binaryData, 'binaryData', errors);
    let size = 0;
    for (const v of Object.values(isRecord(cm.data) ? cm.data : {})) size += typeof v === 'string' ? Buffer.byteLength(v) : 0;
    for (const v of Object.values(isRecord(cm.binaryData) ? cm.binaryData : {})) size += typeof v === 'string' ? Buffer.from(v, 'base64').length : 0;
    tooLarge('', size, errors);
  },
  validateUpdate(cm, old, errors) {
    validateImmutable(cm, old, ['data', 'binaryData'], errors);
  },
});
