/**
 * ClusterRole (rbac.authorization.k8s.io/v1 clusterroles, cluster-scoped): rules (non-resource URLs
 * allowed) and the aggregationRule, stored as given; the clusterrole-aggregation controller (later)
 * fills `rules` from the selected roles.
 */
import type { FieldError } from '../../shared/field-errors';
import { child, index, invalid, required } from '../../shared/field-errors';
import { arr, isRecord, type Json } from '../../shared/object';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { validateLabelSelector } from '../../shared/selectors';
import { onlyV1 } from '../../shared/versions';
import { GROUP, validateRules } from '../rbac';

/** The label the default aggregated roles select on (`rbac.authorization.k8s.io/aggregate-to-admin`...). */
export const AGGREGATE_TO_PREFIX = 'rbac.authorization.k8s.io/aggregate-to-';

export function validateAggregationRule(rule: unknown, errors: FieldError[]): void {
  if (rule === undefined || rule === null) return;
  if (!isRecord(rule)) {
    errors.push(invalid('aggregationRule', rule, 'must be an object'));
    return;
  }
  const selectors = arr(rule.clusterRoleSelectors);
  const path = child('aggregationRule', 'clusterRoleSelectors');
  if (selectors.length === 0) errors.push(required(path, 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
  selectors.forEach((s, i) => validateLabelSelector(s, index(path, i), errors));
}

export default defineResourcePlugin({
  name: 'ClusterRole',
  description: 'rbac.authorization.k8s.io/v1 clusterroles: policy rules and aggregationRule validation',
  definition: {
    group: GROUP,
    versions: onlyV1(GROUP, 'ClusterRole'),
    names: { plural: 'clusterroles', singular: 'clusterrole', kind: 'ClusterRole', listKind: 'ClusterRoleList' },
    namespaced: false,
    generation: 'none',
    nameValidation: 'PathSegment',
  },
  validate(obj, errors) {
    validateRules(obj.rules, false, errors);
    validateAggregationRule((obj as Json).aggregationRule, errors);
  },
});
