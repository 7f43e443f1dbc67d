/**
 * StorageClass (storage.k8s.io/v1 storageclasses, cluster-scoped): provisioner (required), defaults
 * reclaimPolicy Delete and volumeBindingMode Immediate, parameters/provisioner/reclaimPolicy/
 * volumeBindingMode fixed after create, allowedTopologies, the `(default)` printer marker.
 */
import type { KObject } from '../../../../core/registry/types';
import { age } from '../../shared/age';
import { child, duplicate, forbidden, index, invalid, notSupported, required, tooLong, type FieldError } from '../../shared/field-errors';
import { validateEnum, validateImmutable } from '../../shared/groups-validation';
import { isQualifiedName, isValidLabelValue } from '../../shared/names';
import { arr, deepEqual, isRecord, recs, setDefaultString, str, type Json } from '../../shared/object';
import { AGE_COLUMN, column, NAME_COLUMN } from '../../shared/printer';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { onlyV1 } from '../../shared/versions';

export const GROUP = 'storage.k8s.io';
export const ANNOTATION_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
export const ANNOTATION_BETA_DEFAULT_CLASS = 'storageclass.beta.kubernetes.io/is-default-class';
const RECLAIM_POLICIES = ['Delete', 'Retain'];
const BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'];
const MAX_PARAMETERS = 512;
const MAX_PARAMETERS_SIZE = 256 * 1024;

/** storageutil.IsDefaultAnnotation */
export function isDefaultStorageClass(obj: KObject): boolean {
  const a = obj.metadata.annotations ?? {};
  return a[ANNOTATION_DEFAULT_CLASS] === 'true' || a[ANNOTATION_BETA_DEFAULT_CLASS] === 'true';
}

function validateParameters(params: unknown, errors: FieldError[]): void {
  if (!isRecord(params)) return;
  const entries = Object.entries(params);
  if (entries.length > MAX_PARAMETERS) {
    errors.push(tooLong('parameters', MAX_PARAMETERS));
    return;
  }
  let size = 0;
  for (const [k, v] of entries) {
    if (k.length < 1) errors.push(invalid('parameters', k, 'field can not be empty.'));
    size += k.length + str(v).length;
  }
  if (size > MAX_PARAMETERS_SIZE) errors.push(tooLong('parameters', MAX_PARAMETERS_SIZE));
}

/** ValidateTopologySelectorTerm for each term, plus duplicate terms */
function validateAllowedTopologies(list: unknown, errors: FieldError[]): void {
  const seen: Json[] = [];
  arr(list).forEach((t, i) => {
    const path = index('allowedTopologies', i);
    const term: Json = isRecord(t) ? t : {};
    const keys = new Set<string>();
    const exprs: Json = {};
    recs(term.matchLabelExpressions).forEach((e, j) => {
      const p = index(child(path, 'matchLabelExpressions'), j);
      const key = str(e.key);
      for (const msg of isQualifiedName(key)) errors.push(invalid(child(p, 'key'), key, msg));
      const values = arr(e.values).map(String);
      if (values.length === 0) errors.push(required(child(p, 'values'), 'must specify as least one value'));
      values.forEach((v, k) => {
        for (const msg of isValidLabelValue(v)) errors.push(invalid(index(child(p, 'values'), k), v, msg));
      });
      if (keys.has(key)) errors.push(duplicate(child(p, 'key'), key));
      keys.add(key);
      exprs[key] = [...new Set(values)].sort();
    });
    if (seen.some((s) => deepEqual(s, exprs))) errors.push(duplicate(child(path, 'matchLabelExpressions'), ''));
    seen.push(exprs);
  });
}

export function validateStorageClass(obj: KObject, errors: FieldError[]): void {
  const o = obj as Json;
  const provisioner = str(o.provisioner);
  if (!provisioner) errors.push(required('provisioner'));
  else for (const msg of isQualifiedName(provisioner.toLowerCase())) errors.push(invalid('provisioner', provisioner.toLowerCase(), msg));
  validateParameters(o.parameters, errors);
  if (str(o.reclaimPolicy) && !RECLAIM_POLICIES.includes(str(o.reclaimPolicy))) errors.push(notSupported('reclaimPolicy', o.reclaimPolicy, RECLAIM_POLICIES));
  validateEnum(o.volumeBindingMode, 'volumeBindingMode', BINDING_MODES, errors);
  validateAllowedTopologies(o.allowedTopologies, errors);
}

export default defineResourcePlugin({
  name: 'StorageClass',
  description: 'storage.k8s.io/v1 storageclasses: defaults, provisioner/parameters validation and update rules, printer',
  definition: {
    group: GROUP,
    versions: onlyV1(GROUP, 'StorageClass'),
    names: { plural: 'storageclasses', singular: 'storageclass', kind: 'StorageClass', listKind: 'StorageClassList', shortNames: ['sc'] },
    namespaced: false,
    generation: 'none',
    printer: {
      columns: [
        NAME_COLUMN,
        column('Provisioner', 'provisioner indicates the type of the provisioner.'),
        column('ReclaimPolicy', 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class.'),
        column('VolumeBindingMode', 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.'),
        column('AllowVolumeExpansion', 'allowVolumeExpansion shows whether the storage class allow volume expand.'),
        AGE_COLUMN,
      ],
      row: (obj: KObject, now: Date) => {
        const o = obj as Json;
        const name = (obj.metadata.name ?? '') + (isDefaultStorageClass(obj) ? ' (default)' : '');
        return [name, str(o.provisioner), str(o.reclaimPolicy) || 'Delete', str(o.volumeBindingMode) || 'Immediate', o.allowVolumeExpansion === true, age(obj, now)];
      },
    },
  },
  defaults(obj) {
    setDefaultString(obj as Json, 'reclaimPolicy', 'Delete');
    setDefaultString(obj as Json, 'volumeBindingMode', 'Immediate');
  },
  validate(obj, errors) {
    validateStorageClass(obj, errors);
  },
  validateUpdate(obj, old, errors) {
    const o = obj as Json;
    const prev = old as Json;
    if (!deepEqual(o.parameters ?? {}, prev.parameters ?? {})) errors.push(forbidden('parameters', 'updates to parameters are forbidden.'));
    if (str(o.provisioner) !== str(prev.provisioner)) errors.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
    if (str(o.reclaimPolicy) !== str(prev.reclaimPolicy)) errors.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
    validateImmutable(obj, old, 'volumeBindingMode', errors);
  },
});
