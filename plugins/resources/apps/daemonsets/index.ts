/**
 * DaemonSet (apps/v1 daemonsets): defaults (RollingUpdate maxUnavailable 1 maxSurge 0, revision
 * history 10, pod template), validation, immutable selector, status, the printer.
 */
import type { KObject } from '../../../../core/registry/types';
import { age } from '../../shared/age';
import { forbidden, immutable, invalid, notSupported } from '../../shared/field-errors';
import { ensure, getPath, isRecord, semanticEqual, setDefault, setDefaultString, str, type Json } from '../../shared/object';
import { defaultPodTemplate } from '../../shared/pod-defaults';
import { AGE_COLUMN, column, CONTAINERS_COLUMN, containerCells, IMAGES_COLUMN, int, NAME_COLUMN, wide } from '../../shared/printer';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { formatLabels, formatLabelSelector } from '../../shared/selectors';
import { onlyV1 } from '../../shared/versions';
import { intOrPercentProblem, isZeroIntOrPercent, validateNonNegative, validateSelectorAndTemplate } from '../../shared/workloads';

const STRATEGIES = ['RollingUpdate', 'OnDelete'];

export default defineResourcePlugin({
  name: 'DaemonSet',
  description: 'apps/v1 daemonsets: defaults, validation, immutable selector, status, printer',
  definition: {
    group: 'apps',
    versions: onlyV1('apps', 'DaemonSet'),
    names: { plural: 'daemonsets', singular: 'daemonset', kind: 'DaemonSet', listKind: 'DaemonSetList', shortNames: ['ds'], categories: ['all'] },
    namespaced: true,
    generation: 'spec',
    subresources: { status: true },
    printer: {
      columns: [
        NAME_COLUMN,
        column('Desired', 'The total number of nodes that should be running the daemon pod.', 'integer'),
        column('Current', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.', 'integer'),
        column('Ready', 'numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.', 'integer'),
        column('Up-to-date', 'The total number of nodes that are running updated daemon pod', 'integer'),
        column('Available', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.', 'integer'),
        column('Node Selector', 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
        AGE_COLUMN,
        CONTAINERS_COLUMN,
        IMAGES_COLUMN,
        wide('Selector', 'A label query over pods that are managed by the daemon set.'),
      ],
      row(ds: KObject, now: Date) {
        const status: Json = isRecord(ds.status) ? ds.status : {};
        return [
          ds.metadata.name ?? '',
          int(status.desiredNumberScheduled),
          int(status.currentNumberScheduled),
          int(status.numberReady),
          int(status.updatedNumberScheduled),
          int(status.numberAvailable),
          formatLabels(getPath(ds, 'spec.template.spec.nodeSelector')),
          age(ds, now),
          ...containerCells(getPath(ds, 'spec.template.spec.containers')),
          formatLabelSelector(getPath(ds, 'spec.selector')),
        ];
      },
    },
  },
  defaults(ds) {
    const spec = ensure(ds as Json, 'spec');
    const strategy = ensure(spec, 'updateStrategy');
    setDefaultString(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = ensure(strategy, 'rollingUpdate');
      setDefault(ru, 'maxUnavailable', 1);
      setDefault(ru, 'maxSurge', 0);
    }
    setDefault(spec, 'revisionHistoryLimit', 10);
    defaultPodTemplate(spec.template);
  },
  validate(ds, errors) {
    const spec: Json = isRecord(ds.spec) ? ds.spec : {};
    validateSelectorAndTemplate(spec, 'spec', errors);
    validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds', errors);
    validateNonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit', errors);
    const strategy: Json = isRecord(spec.updateStrategy) ? spec.updateStrategy : {};
    const type = str(strategy.type);
    if (!STRATEGIES.includes(type)) errors.push(notSupported('spec.updateStrategy.type', strategy.type ?? '', STRATEGIES));
    if (type === 'OnDelete' && isRecord(strategy.rollingUpdate)) {
      errors.push(forbidden('spec.updateStrategy.rollingUpdate', "may not be specified when strategy `type` is 'OnDelete'"));
    }
    if (type === 'RollingUpdate') {
      const ru: Json = isRecord(strategy.rollingUpdate) ? strategy.rollingUpdate : {};
      for (const f of ['maxUnavailable', 'maxSurge']) {
        const problem = ru[f] === undefined ? undefined : intOrPercentProblem(ru[f]);
        if (problem) errors.push(invalid(`spec.updateStrategy.rollingUpdate.${f}`, ru[f], problem));
      }
      if (isZeroIntOrPercent(ru.maxUnavailable) && isZeroIntOrPercent(ru.maxSurge)) {
        errors.push(invalid('spec.updateStrategy.rollingUpdate.maxUnavailable', ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
      }
    }
  },
  validateUpdate(ds, old, errors) {
    const selector = getPath(ds, 'spec.selector');
    if (!semanticEqual(selector, getPath(old, 'spec.selector'))) errors.push(immutable('spec.selector', selector ?? null));
  },
});
