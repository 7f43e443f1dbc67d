/**
 * PersistentVolumeClaim (core/v1 persistentvolumeclaims): volume mode default, phase Pending,
 * required access modes and storage request, spec immutable but for the storage request (which may
 * only grow) and binding volumeName, the printer.
 */
import type { KObject } from '../../../../core/registry/types';
import { age } from '../../shared/age';
import { forbidden, index, invalid, type FieldError } from '../../shared/field-errors';
import { isDNS1123Subdomain } from '../../shared/names';
import { clone, ensure, getPath, isRecord, semanticEqual, setDefaultString, str, type Json } from '../../shared/object';
import { AGE_COLUMN, column, NAME_COLUMN, wide } from '../../shared/printer';
import { parseQuantity, quantityString } from '../../shared/quantity';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { onlyV1 } from '../../shared/versions';
import { accessModesString, positiveStorage, storageClassOf, validateAccessModes, validateVolumeMode } from '../persistentvolumes/volume-helpers';

function specOf(pvc: KObject): Json {
  return isRecord(pvc.spec) ? pvc.spec : {};
}

const IMMUTABLE_MESSAGE = 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims';

export default defineResourcePlugin({
  name: 'PersistentVolumeClaim',
  description: 'core/v1 persistentvolumeclaims: defaults, phase, validation, immutable spec, printer',
  definition: {
    group: '',
    versions: onlyV1('', 'PersistentVolumeClaim'),
    names: { plural: 'persistentvolumeclaims', singular: 'persistentvolumeclaim', kind: 'PersistentVolumeClaim', listKind: 'PersistentVolumeClaimList', shortNames: ['pvc'] },
    namespaced: true,
    generation: 'none',
    subresources: { status: true },
    printer: {
      columns: [
        NAME_COLUMN,
        column('Status', 'phase represents the current phase of PersistentVolumeClaim.'),
        column('Volume', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
        column('Capacity', 'capacity represents the actual resources of the underlying volume.'),
        column('Access Modes', 'accessModes contains the actual access modes the volume backing the PVC has.'),
        column('StorageClass', 'StorageClass of the pvc'),
        column('VolumeAttributesClass', 'VolumeAttributesClass of the pvc'),
        AGE_COLUMN,
        wide('VolumeMode', 'volumeMode defines what type of volume is required by the claim.'),
      ],
      row(pvc: KObject, now: Date) {
        const spec = specOf(pvc);
        const status: Json = isRecord(pvc.status) ? pvc.status : {};
        const phase = pvc.metadata.deletionTimestamp ? 'Terminating' : str(status.phase);
        const bound = !!str(spec.volumeName);
        return [
          pvc.metadata.name ?? '',
          phase,
          str(spec.volumeName),
          bound ? quantityString(getPath(status, 'capacity.storage')) : '',
          bound ? accessModesString(status.accessModes) : '',
          storageClassOf(pvc),
          str(spec.volumeAttributesClassName) || '<unset>',
          age(pvc, now),
          str(spec.volumeMode) || '<unset>',
        ];
      },
    },
  },
  defaults(pvc) {
    setDefaultString(ensure(pvc as Json, 'spec'), 'volumeMode', 'Filesystem');
    setDefaultString(ensure(pvc as Json, 'status'), 'phase', 'Pending');
  },
  prepareForCreate(pvc) {
    (pvc as Json).status = { phase: 'Pending' };
  },
  validate(pvc, errors) {
    const spec = specOf(pvc);
    validateAccessModes(spec.accessModes, 'spec.accessModes', errors);
    positiveStorage(getPath(spec, 'resources.requests.storage'), index('spec.resources.requests', 'storage'), errors, parseQuantity);
    validateVolumeMode(spec.volumeMode, 'spec.volumeMode', errors);
    const sc = str(spec.storageClassName);
    if (sc) for (const msg of isDNS1123Subdomain(sc)) errors.push(invalid('spec.storageClassName', sc, msg));
  },
  validateUpdate(pvc, old, errors: FieldError[]) {
    const spec = specOf(pvc);
    const prev = specOf(old);
    const comparable = clone(prev);
    const resources = ensure(comparable, 'resources');
    resources.requests = clone(getPath(spec, 'resources.requests'));
    if (!str(prev.volumeName)) comparable.volumeName = spec.volumeName;
    comparable.volumeAttributesClassName = spec.volumeAttributesClassName;
    if (prev.storageClassName === undefined && old.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] !== undefined) {
      comparable.storageClassName = spec.storageClassName;
    }
    if (!semanticEqual(comparable, spec)) errors.push(forbidden('spec', IMMUTABLE_MESSAGE));
    const before = parseQuantity(getPath(prev, 'resources.requests.storage'));
    const after = parseQuantity(getPath(spec, 'resources.requests.storage'));
    if (before !== undefined && after !== undefined && after < before) {
      errors.push(forbidden(index('spec.resources.requests', 'storage'), 'field can not be less than previous value'));
    }
  },
});
