/**
 * PodDisruptionBudget (policy/v1 poddisruptionbudgets): minAvailable xor maxUnavailable (each an
 * int or a percentage up to 100%), selector, unhealthyPodEvictionPolicy; status validation; the
 * MIN AVAILABLE/MAX UNAVAILABLE/ALLOWED DISRUPTIONS printer. The disruption controller fills status;
 * pods/eviction reads it.
 */
import type { KObject } from '../../../../core/registry/types';
import { age } from '../../shared/age';
import { invalid, notSupported, type FieldError } from '../../shared/field-errors';
import { isRecord, type Json } from '../../shared/object';
import { AGE_COLUMN, column, int, NAME_COLUMN } from '../../shared/printer';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { validateLabelSelector } from '../../shared/selectors';
import { onlyV1 } from '../../shared/versions';
import { intOrPercentProblem, percentOver100, validateNonNegative } from '../../shared/workloads';

export const GROUP = 'policy';
const EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'];

function specOf(obj: KObject): Json {
  return isRecord(obj.spec) ? obj.spec : {};
}

function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

function validateIntOrPercent(value: unknown, path: string, errors: FieldError[]): void {
  const problem = intOrPercentProblem(value);
  if (problem) errors.push(invalid(path, value, problem));
  if (percentOver100(value)) errors.push(invalid(path, value, 'must not be greater than 100%'));
}

export function validatePDBSpec(spec: Json, errors: FieldError[]): void {
  if (isSet(spec.minAvailable) && isSet(spec.maxUnavailable)) errors.push(invalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  if (isSet(spec.minAvailable)) validateIntOrPercent(spec.minAvailable, 'spec.minAvailable', errors);
  if (isSet(spec.maxUnavailable)) validateIntOrPercent(spec.maxUnavailable, 'spec.maxUnavailable', errors);
  validateLabelSelector(spec.selector, 'spec.selector', errors);
  if (isSet(spec.unhealthyPodEvictionPolicy) && !EVICTION_POLICIES.includes(String(spec.unhealthyPodEvictionPolicy))) {
    errors.push(notSupported('spec.unhealthyPodEvictionPolicy', spec.unhealthyPodEvictionPolicy, EVICTION_POLICIES));
  }
}

export function validatePDBStatus(status: unknown, errors: FieldError[]): void {
  const s: Json = isRecord(status) ? status : {};
  for (const f of ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods']) validateNonNegative(s[f], `status.${f}`, errors);
}

/** IntOrString.String(), `N/A` when unset */
function intOrPercentCell(v: unknown): string {
  return typeof v === 'number' || typeof v === 'string' ? String(v) : 'N/A';
}

export default defineResourcePlugin({
  name: 'PodDisruptionBudget',
  description: 'policy/v1 poddisruptionbudgets: minAvailable/maxUnavailable validation, status, printer',
  definition: {
    group: GROUP,
    versions: onlyV1(GROUP, 'PodDisruptionBudget'),
    names: { plural: 'poddisruptionbudgets', singular: 'poddisruptionbudget', kind: 'PodDisruptionBudget', listKind: 'PodDisruptionBudgetList', shortNames: ['pdb'] },
    namespaced: true,
    generation: 'spec',
    subresources: { status: true },
    printer: {
      columns: [
        NAME_COLUMN,
        column('Min Available', 'The minimum number of pods that must be available.'),
        column('Max Unavailable', 'The maximum number of pods that may be unavailable.'),
        column('Allowed Disruptions', 'Calculated number of pods that may be disrupted at this time.', 'integer'),
        AGE_COLUMN,
      ],
      row: (obj: KObject, now: Date) => {
        const spec = specOf(obj);
        const status: Json = isRecord(obj.status) ? obj.status : {};
        return [obj.metadata.name ?? '', intOrPercentCell(spec.minAvailable), intOrPercentCell(spec.maxUnavailable), int(status.disruptionsAllowed), age(obj, now)];
      },
    },
  },
  validate(obj, errors) {
    validatePDBSpec(specOf(obj), errors);
  },
  validateStatusUpdate(obj, _old, errors) {
    validatePDBStatus(obj.status, errors);
  },
});
