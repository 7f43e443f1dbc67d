/**
 * ReplicationController (core/v1 replicationcontrollers): selector and labels from the template,
 * replicas 1, template validation (restartPolicy Always), status and scale, the printer.
 */
import type { KObject } from '../../../../core/registry/types';
import { age } from '../../shared/age';
import { invalid, required } from '../../shared/field-errors';
import { validateLabels } from '../../shared/meta-validation';
import { clone, ensure, getPath, isRecord, num, setDefault, type Json } from '../../shared/object';
import { defaultPodTemplate } from '../../shared/pod-defaults';
import { validatePodTemplate } from '../../shared/pod-validation';
import { AGE_COLUMN, column, CONTAINERS_COLUMN, containerCells, IMAGES_COLUMN, int, NAME_COLUMN, wide } from '../../shared/printer';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { formatLabels, mapSelectorMatches } from '../../shared/selectors';
import { onlyV1 } from '../../shared/versions';
import { validateNonNegative } from '../../shared/workloads';

export default defineResourcePlugin({
  name: 'ReplicationController',
  description: 'core/v1 replicationcontrollers: defaults, validation, status and scale, printer',
  definition: {
    group: '',
    versions: onlyV1('', 'ReplicationController'),
    names: {
      plural: 'replicationcontrollers',
      singular: 'replicationcontroller',
      kind: 'ReplicationController',
      listKind: 'ReplicationControllerList',
      shortNames: ['rc'],
      categories: ['all'],
    },
    namespaced: true,
    generation: 'spec',
    // Scale.status.selector needs the map selector as a string; the scale handler reads string or
    // LabelSelector paths, so it is left out here
    subresources: { status: true, scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas' } },
    printer: {
      columns: [
        NAME_COLUMN,
        column('Desired', 'Replicas is the number of desired replicas.', 'integer'),
        column('Current', 'Replicas is the most recently observed number of replicas.', 'integer'),
        column('Ready', 'The number of ready replicas for this replication controller.', 'integer'),
        AGE_COLUMN,
        CONTAINERS_COLUMN,
        IMAGES_COLUMN,
        wide('Selector', 'Selector is a label query over pods that should match the Replicas count.'),
      ],
      row(rc: KObject, now: Date) {
        const status = (rc.status ?? {}) as Json;
        return [
          rc.metadata.name ?? '',
          int(getPath(rc, 'spec.replicas')),
          int(status.replicas),
          int(status.readyReplicas),
          age(rc, now),
          ...containerCells(getPath(rc, 'spec.template.spec.containers')),
          formatLabels(getPath(rc, 'spec.selector')),
        ];
      },
    },
    fieldSelectors: { 'status.replicas': (o: KObject) => String(num(getPath(o, 'status.replicas')) ?? 0) },
  },
  defaults(rc) {
    const spec = ensure(rc as Json, 'spec');
    const labels = getPath(spec, 'template.metadata.labels');
    if (isRecord(labels)) {
      if (!isRecord(spec.selector) || Object.keys(spec.selector).length === 0) spec.selector = clone(labels);
      if (!rc.metadata.labels || Object.keys(rc.metadata.labels).length === 0) rc.metadata.labels = clone(labels) as Record<string, string>;
    }
    setDefault(spec, 'replicas', 1);
    defaultPodTemplate(spec.template);
  },
  validate(rc, errors) {
    const spec: Json = isRecord(rc.spec) ? rc.spec : {};
    validateNonNegative(spec.replicas, 'spec.replicas', errors);
    validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds', errors);
    const selector = spec.selector;
    if (!isRecord(selector) || Object.keys(selector).length === 0) errors.push(required('spec.selector', ''));
    else validateLabels(selector, 'spec.selector', errors);
    if (!isRecord(spec.template)) {
      errors.push(required('spec.template', ''));
      return;
    }
    const labels = getPath(spec.template, 'metadata.labels');
    if (isRecord(selector) && Object.keys(selector).length && !mapSelectorMatches(selector, labels)) {
      errors.push(invalid('spec.template.metadata.labels', labels ?? {}, '`selector` does not match template `labels`'));
    }
    validatePodTemplate(spec.template, 'spec.template', errors, { restartPolicies: ['Always'], forbidActiveDeadline: true });
  },
});
