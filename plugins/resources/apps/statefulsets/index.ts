/**
 * StatefulSet (apps/v1 statefulsets): defaults (replicas 1, OrderedReady, RollingUpdate partition
 * 0, PVC retention Retain, revision history 10, claim template defaults), validation, the spec
 * fields that may change, status and scale, the READY printer.
 */
import type { KObject } from '../../../../core/registry/types';
import { age } from '../../shared/age';
import { child, forbidden, index, invalid, notSupported, required, type FieldError } from '../../shared/field-errors';
import { clone, ensure, getPath, isRecord, recs, semanticEqual, setDefault, setDefaultString, str, type Json } from '../../shared/object';
import { defaultPodTemplate } from '../../shared/pod-defaults';
import { AGE_COLUMN, column, CONTAINERS_COLUMN, containerCells, IMAGES_COLUMN, int, NAME_COLUMN } from '../../shared/printer';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { onlyV1 } from '../../shared/versions';
import { intOrPercentProblem, validateNonNegative, validateSelectorAndTemplate } from '../../shared/workloads';

const POD_MANAGEMENT = ['OrderedReady', 'Parallel'];
const UPDATE_STRATEGIES = ['RollingUpdate', 'OnDelete'];
const RETENTION = ['Retain', 'Delete'];
const MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

function validateSpec(spec: Json, errors: FieldError[]): void {
  validateNonNegative(spec.replicas, 'spec.replicas', errors);
  validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds', errors);
  validateNonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit', errors);
  validateSelectorAndTemplate(spec, 'spec', errors);
  if (!POD_MANAGEMENT.includes(str(spec.podManagementPolicy))) errors.push(notSupported('spec.podManagementPolicy', spec.podManagementPolicy ?? '', POD_MANAGEMENT));
  const strategy: Json = isRecord(spec.updateStrategy) ? spec.updateStrategy : {};
  const type = str(strategy.type);
  if (!type) errors.push(required('spec.updateStrategy.type', ''));
  else if (!UPDATE_STRATEGIES.includes(type)) errors.push(notSupported('spec.updateStrategy.type', type, UPDATE_STRATEGIES));
  else if (type === 'OnDelete' && strategy.rollingUpdate !== undefined && strategy.rollingUpdate !== null) {
    errors.push(invalid('spec.updateStrategy.rollingUpdate', 'object', "only allowed for updateStrategy 'RollingUpdate'"));
  }
  const ru: Json = isRecord(strategy.rollingUpdate) ? strategy.rollingUpdate : {};
  validateNonNegative(ru.partition, 'spec.updateStrategy.rollingUpdate.partition', errors);
  if (ru.maxUnavailable !== undefined) {
    const problem = intOrPercentProblem(ru.maxUnavailable);
    if (problem) errors.push(invalid('spec.updateStrategy.rollingUpdate.maxUnavailable', ru.maxUnavailable, problem));
  }
  const retention: Json = isRecord(spec.persistentVolumeClaimRetentionPolicy) ? spec.persistentVolumeClaimRetentionPolicy : {};
  for (const f of ['whenDeleted', 'whenScaled']) {
    if (retention[f] !== undefined && !RETENTION.includes(str(retention[f]))) {
      errors.push(notSupported(child('spec.persistentVolumeClaimRetentionPolicy', f), retention[f], RETENTION));
    }
  }
  validateNonNegative(getPath(spec, 'ordinals.start'), 'spec.ordinals.start', errors);
  recs(spec.volumeClaimTemplates).forEach((t, i) => {
    if (!str(getPath(t, 'metadata.name'))) errors.push(required(child(index('spec.volumeClaimTemplates', i), 'metadata', 'name'), ''));
  });
}

export default defineResourcePlugin({
  name: 'StatefulSet',
  description: 'apps/v1 statefulsets: defaults, validation, mutable spec fields, status and scale, printer',
  definition: {
    group: 'apps',
    versions: onlyV1('apps', 'StatefulSet'),
    names: { plural: 'statefulsets', singular: 'statefulset', kind: 'StatefulSet', listKind: 'StatefulSetList', shortNames: ['sts'], categories: ['all'] },
    namespaced: true,
    generation: 'spec',
    subresources: { status: true, scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' } },
    printer: {
      columns: [NAME_COLUMN, column('Ready', 'Number of the pod with ready state'), AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN],
      row: (s: KObject, now: Date) => [
        s.metadata.name ?? '',
        `${int(getPath(s, 'status.readyReplicas'))}/${int(getPath(s, 'spec.replicas'))}`,
        age(s, now),
        ...containerCells(getPath(s, 'spec.template.spec.containers')),
      ],
    },
  },
  defaults(s) {
    const spec = ensure(s as Json, 'spec');
    setDefaultString(spec, 'podManagementPolicy', 'OrderedReady');
    const strategy = ensure(spec, 'updateStrategy');
    setDefaultString(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') setDefault(ensure(strategy, 'rollingUpdate'), 'partition', 0);
    const retention = ensure(spec, 'persistentVolumeClaimRetentionPolicy');
    setDefaultString(retention, 'whenDeleted', 'Retain');
    setDefaultString(retention, 'whenScaled', 'Retain');
    setDefault(spec, 'replicas', 1);
    setDefault(spec, 'revisionHistoryLimit', 10);
    defaultPodTemplate(spec.template);
    for (const t of recs(spec.volumeClaimTemplates)) {
      setDefaultString(ensure(t, 'spec'), 'volumeMode', 'Filesystem');
      setDefaultString(ensure(t, 'status'), 'phase', 'Pending');
    }
  },
  validate(s, errors) {
    validateSpec(isRecord(s.spec) ? s.spec : {}, errors);
  },
  validateUpdate(s, old, errors) {
    const spec: Json = clone(isRecord(s.spec) ? s.spec : {});
    const prev: Json = clone(isRecord(old.spec) ? old.spec : {});
    for (const f of MUTABLE) {
      delete spec[f];
      delete prev[f];
    }
    if (!semanticEqual(spec, prev)) {
      errors.push(forbidden('spec', `updates to statefulset spec for fields other than ${MUTABLE.slice(0, -1).map((f) => `'${f}'`).join(', ')} and '${MUTABLE[MUTABLE.length - 1]}' are forbidden`));
    }
  },
});
