/** ReplicaSet (apps/v1 replicasets): replicas 1, selector/template validation, immutable selector, status and scale, printer. */
import type { KObject } from '../../../../core/registry/types';
import { age } from '../../shared/age';
import { immutable } from '../../shared/field-errors';
import { ensure, getPath, isRecord, num, semanticEqual, setDefault, type Json } from '../../shared/object';
import { defaultPodTemplate } from '../../shared/pod-defaults';
import { AGE_COLUMN, column, CONTAINERS_COLUMN, containerCells, IMAGES_COLUMN, int, NAME_COLUMN, wide } from '../../shared/printer';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { formatLabelSelector } from '../../shared/selectors';
import { onlyV1 } from '../../shared/versions';
import { validateNonNegative, validateSelectorAndTemplate } from '../../shared/workloads';

export default defineResourcePlugin({
  name: 'ReplicaSet',
  description: 'apps/v1 replicasets: defaults, validation, immutable selector, status and scale, printer',
  definition: {
    group: 'apps',
    versions: onlyV1('apps', 'ReplicaSet'),
    names: { plural: 'replicasets', singular: 'replicaset', kind: 'ReplicaSet', listKind: 'ReplicaSetList', shortNames: ['rs'], categories: ['all'] },
    namespaced: true,
    generation: 'spec',
    subresources: { status: true, scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' } },
    printer: {
      columns: [
        NAME_COLUMN,
        column('Desired', 'Replicas is the number of desired pods.', 'integer'),
        column('Current', 'Replicas is the most recently observed number of replicas.', 'integer'),
        column('Ready', 'readyReplicas is the number of pods targeted by this ReplicaSet with a Ready Condition.', 'integer'),
        AGE_COLUMN,
        CONTAINERS_COLUMN,
        IMAGES_COLUMN,
        wide('Selector', 'Selector is a label query over pods that should match the replica count.'),
      ],
      row(rs: KObject, now: Date) {
        const status: Json = isRecord(rs.status) ? rs.status : {};
        return [
          rs.metadata.name ?? '',
          int(getPath(rs, 'spec.replicas')),
          int(status.replicas),
          int(status.readyReplicas),
          age(rs, now),
          ...containerCells(getPath(rs, 'spec.template.spec.containers')),
          formatLabelSelector(getPath(rs, 'spec.selector')),
        ];
      },
    },
    fieldSelectors: { 'status.replicas': (o: KObject) => String(num(getPath(o, 'status.replicas')) ?? 0) },
  },
  defaults(rs) {
    const spec = ensure(rs as Json, 'spec');
    setDefault(spec, 'replicas', 1);
    defaultPodTemplate(spec.template);
  },
  validate(rs, errors) {
    const spec: Json = isRecord(rs.spec) ? rs.spec : {};
    validateNonNegative(spec.replicas, 'spec.replicas', errors);
    validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds', errors);
    validateSelectorAndTemplate(spec, 'spec', errors);
  },
  validateUpdate(rs, old, errors) {
    const selector = getPath(rs, 'spec.selector');
    if (!semanticEqual(selector, getPath(old, 'spec.selector'))) errors.push(immutable('spec.selector', selector ?? null));
  },
});
