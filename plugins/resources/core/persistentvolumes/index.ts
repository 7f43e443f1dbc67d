/**
 * PersistentVolume (core/v1 persistentvolumes, cluster-scoped): reclaim policy and volume mode
 * defaults, phase Pending on create, one volume source, immutable source, the printer.
 */
import type { KObject } from '../../../../core/registry/types';
import { age, rfc3339 } from '../../shared/age';
import { forbidden, index, invalid, notSupported, required, type FieldError } from '../../shared/field-errors';
import { isDNS1123Subdomain } from '../../shared/names';
import { ensure, isRecord, semanticEqual, setDefaultString, str, type Json } from '../../shared/object';
import { AGE_COLUMN, column, NAME_COLUMN, wide } from '../../shared/printer';
import { parseQuantity, quantityString } from '../../shared/quantity';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { onlyV1 } from '../../shared/versions';
import { accessModesString, positiveStorage, storageClassOf, validateAccessModes, validateVolumeMode } from './volume-helpers';

const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];
const PHASES = ['Pending', 'Available', 'Bound', 'Released', 'Failed'];
const SOURCES = [
  'gcePersistentDisk', 'awsElasticBlockStore', 'hostPath', 'glusterfs', 'nfs', 'rbd', 'iscsi', 'cinder', 'cephfs', 'fc',
  'flocker', 'flexVolume', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume',
  'scaleIO', 'local', 'storageos', 'csi',
];

function specOf(pv: KObject): Json {
  return isRecord(pv.spec) ? pv.spec : {};
}

function sources(spec: Json): string[] {
  return SOURCES.filter((k) => spec[k] !== undefined && spec[k] !== null);
}

export default defineResourcePlugin({
  name: 'PersistentVolume',
  description: 'core/v1 persistentvolumes: defaults, phase, validation, immutable source, printer',
  definition: {
    group: '',
    versions: onlyV1('', 'PersistentVolume'),
    names: { plural: 'persistentvolumes', singular: 'persistentvolume', kind: 'PersistentVolume', listKind: 'PersistentVolumeList', shortNames: ['pv'] },
    namespaced: false,
    generation: 'none',
    subresources: { status: true },
    printer: {
      columns: [
        NAME_COLUMN,
        column('Capacity', 'capacity is the description of the persistent volume\'s resources and capacity.'),
        column('Access Modes', 'accessModes contains all ways the volume can be mounted.'),
        column('Reclaim Policy', 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.'),
        column('Status', 'phase indicates if a volume is available, bound to a claim, or released by a claim.'),
        column('Claim', 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.'),
        column('StorageClass', 'StorageClass of the pv'),
        column('VolumeAttributesClass', 'VolumeAttributesClass of the pv'),
        column('Reason', 'reason is a brief CamelCase string that describes any failure.'),
        AGE_COLUMN,
        wide('VolumeMode', 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.'),
      ],
      row(pv: KObject, now: Date) {
        const spec = specOf(pv);
        const status: Json = isRecord(pv.status) ? pv.status : {};
        const claim = isRecord(spec.claimRef) ? `${str(spec.claimRef.namespace)}/${str(spec.claimRef.name)}` : '';
        const phase = pv.metadata.deletionTimestamp ? 'Terminating' : str(status.phase);
        const capacity = isRecord(spec.capacity) ? spec.capacity.storage : undefined;
        return [
          pv.metadata.name ?? '',
          quantityString(capacity),
          accessModesString(spec.accessModes),
          str(spec.persistentVolumeReclaimPolicy),
          phase,
          claim,
          storageClassOf(pv),
          str(spec.volumeAttributesClassName) || '<unset>',
          str(status.reason),
          age(pv, now),
          str(spec.volumeMode) || '<unset>',
        ];
      },
    },
  },
  defaults(pv) {
    const spec = ensure(pv as Json, 'spec');
    setDefaultString(spec, 'persistentVolumeReclaimPolicy', 'Retain');
    setDefaultString(spec, 'volumeMode', 'Filesystem');
    const status = ensure(pv as Json, 'status');
    setDefaultString(status, 'phase', 'Pending');
  },
  prepareForCreate(pv) {
    (pv as Json).status = { phase: 'Pending', lastPhaseTransitionTime: rfc3339(new Date()) };
  },
  validate(pv, errors) {
    const spec = specOf(pv);
    validateAccessModes(spec.accessModes, 'spec.accessModes', errors);
    const capacity: Json = isRecord(spec.capacity) ? spec.capacity : {};
    if (!isRecord(spec.capacity) || Object.keys(capacity).length === 0) errors.push(required('spec.capacity', ''));
    else positiveStorage(capacity.storage, index('spec.capacity', 'storage'), errors, parseQuantity);
    const src = sources(spec);
    if (src.length === 0) errors.push(required('spec', 'must specify a volume type'));
    else if (src.length > 1) errors.push(forbidden(`spec.${src[1]}`, 'may not specify more than 1 volume type'));
    if (isRecord(spec.hostPath) && !str(spec.hostPath.path)) errors.push(required('spec.hostPath.path', ''));
    if (isRecord(spec.local) && !isRecord(spec.nodeAffinity)) errors.push(required('spec.nodeAffinity', 'Local volume requires node affinity'));
    if (spec.persistentVolumeReclaimPolicy !== undefined && !RECLAIM_POLICIES.includes(str(spec.persistentVolumeReclaimPolicy))) {
      errors.push(notSupported('spec.persistentVolumeReclaimPolicy', spec.persistentVolumeReclaimPolicy, RECLAIM_POLICIES));
    }
    validateVolumeMode(spec.volumeMode, 'spec.volumeMode', errors);
    const sc = str(spec.storageClassName);
    if (sc) for (const msg of isDNS1123Subdomain(sc)) errors.push(invalid('spec.storageClassName', sc, msg));
  },
  validateUpdate(pv, old, errors: FieldError[]) {
    const spec = specOf(pv);
    const prev = specOf(old);
    const src = (s: Json) => Object.fromEntries(sources(s).map((k) => [k, s[k]]));
    if (!semanticEqual(src(spec), src(prev))) errors.push(forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation'));
    if (str(spec.volumeMode) !== str(prev.volumeMode)) errors.push(invalid('spec.volumeMode', spec.volumeMode ?? '', 'field is immutable'));
    if (isRecord(prev.nodeAffinity) && !semanticEqual(spec.nodeAffinity, prev.nodeAffinity)) errors.push(invalid('spec.nodeAffinity', 'object', 'field is immutable'));
  },
  validateStatusUpdate(pv, _old, errors) {
    const phase = (pv.status as Json | undefined)?.phase;
    if (phase !== undefined && !PHASES.includes(str(phase))) errors.push(notSupported('status.phase', phase, PHASES));
  },
});
