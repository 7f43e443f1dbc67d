/**
 * Deployment (apps/v1 deployments): defaults (replicas 1, RollingUpdate 25%/25%, revision history
 * 10, progress deadline 600 s, pod template), selector/template/strategy validation, immutable
 * selector, status and scale, the READY/UP-TO-DATE/AVAILABLE printer.
 */
import type { KObject } from '../../../../core/registry/types';
import { age } from '../../shared/age';
import { child, forbidden, immutable, invalid, notSupported, type FieldError } from '../../shared/field-errors';
import { ensure, getPath, isRecord, num, semanticEqual, setDefault, setDefaultString, str, type Json } from '../../shared/object';
import { defaultPodTemplate } from '../../shared/pod-defaults';
import { AGE_COLUMN, column, CONTAINERS_COLUMN, containerCells, IMAGES_COLUMN, int, NAME_COLUMN, wide } from '../../shared/printer';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { selectorString } from '../../shared/selectors';
import { onlyV1 } from '../../shared/versions';
import { intOrPercentProblem, isZeroIntOrPercent, percentOver100, validateNonNegative, validateSelectorAndTemplate } from '../../shared/workloads';

const STRATEGIES = ['Recreate', 'RollingUpdate'];

function validateStrategy(spec: Json, errors: FieldError[]): void {
  const path = 'spec.strategy';
  const strategy: Json = isRecord(spec.strategy) ? spec.strategy : {};
  const type = str(strategy.type);
  if (!STRATEGIES.includes(type)) {
    errors.push(notSupported(child(path, 'type'), strategy.type ?? '', STRATEGIES));
    return;
  }
  if (type === 'Recreate') {
    if (strategy.rollingUpdate !== undefined && strategy.rollingUpdate !== null) {
      errors.push(forbidden(child(path, 'rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'"));
    }
    return;
  }
  const ru: Json = isRecord(strategy.rollingUpdate) ? strategy.rollingUpdate : {};
  const ruPath = child(path, 'rollingUpdate');
  for (const f of ['maxUnavailable', 'maxSurge']) {
    const problem = ru[f] === undefined ? undefined : intOrPercentProblem(ru[f]);
    if (problem) errors.push(invalid(child(ruPath, f), ru[f], problem));
  }
  if (isZeroIntOrPercent(ru.maxUnavailable) && isZeroIntOrPercent(ru.maxSurge)) {
    errors.push(invalid(child(ruPath, 'maxUnavailable'), ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
  }
  if (percentOver100(ru.maxUnavailable)) errors.push(invalid(child(ruPath, 'maxUnavailable'), ru.maxUnavailable, 'must not be greater than 100%'));
}

export default defineResourcePlugin({
  name: 'Deployment',
  description: 'apps/v1 deployments: defaults, validation, immutable selector, status and scale, printer',
  definition: {
    group: 'apps',
    versions: onlyV1('apps', 'Deployment'),
    names: { plural: 'deployments', singular: 'deployment', kind: 'Deployment', listKind: 'DeploymentList', shortNames: ['deploy'], categories: ['all'] },
    namespaced: true,
    generation: 'spec',
    subresources: { status: true, scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' } },
    printer: {
      columns: [
        NAME_COLUMN,
        column('Ready', 'Number of the pod with ready state'),
        column('Up-to-date', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
        column('Available', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
        AGE_COLUMN,
        CONTAINERS_COLUMN,
        IMAGES_COLUMN,
        wide('Selector', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.'),
      ],
      row(d: KObject, now: Date) {
        const status: Json = isRecord(d.status) ? d.status : {};
        return [
          d.metadata.name ?? '',
          `${int(status.readyReplicas)}/${int(getPath(d, 'spec.replicas'))}`,
          int(status.updatedReplicas),
          int(status.availableReplicas),
          age(d, now),
          ...containerCells(getPath(d, 'spec.template.spec.containers')),
          selectorString(getPath(d, 'spec.selector')),
        ];
      },
    },
  },
  defaults(d) {
    const spec = ensure(d as Json, 'spec');
    setDefault(spec, 'replicas', 1);
    const strategy = ensure(spec, 'strategy');
    setDefaultString(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = ensure(strategy, 'rollingUpdate');
      setDefault(ru, 'maxUnavailable', '25%');
      setDefault(ru, 'maxSurge', '25%');
    }
    setDefault(spec, 'revisionHistoryLimit', 10);
    setDefault(spec, 'progressDeadlineSeconds', 600);
    defaultPodTemplate(spec.template);
  },
  validate(d, errors) {
    const spec: Json = isRecord(d.spec) ? d.spec : {};
    validateNonNegative(spec.replicas, 'spec.replicas', errors);
    validateSelectorAndTemplate(spec, 'spec', errors);
    validateStrategy(spec, errors);
    validateNonNegative(spec.minReadySeconds, 'spec.minReadySeconds', errors);
    validateNonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit', errors);
    const deadline = num(spec.progressDeadlineSeconds);
    if (spec.progressDeadlineSeconds !== undefined) {
      validateNonNegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds', errors);
      if (deadline !== undefined && deadline <= (num(spec.minReadySeconds) ?? 0)) {
        errors.push(invalid('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'));
      }
    }
  },
  validateUpdate(d, old, errors) {
    const selector = getPath(d, 'spec.selector');
    if (!semanticEqual(selector, getPath(old, 'spec.selector'))) errors.push(immutable('spec.selector', selector ?? null));
  },
});
