/** Role (rbac.authorization.k8s.io/v1 roles): namespaced rules; names are path segments. */
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { onlyV1 } from '../../shared/versions';
import { GROUP, validateRules } from '../rbac';

export default defineResourcePlugin({
  name: 'Role',
  description: 'rbac.authorization.k8s.io/v1 roles: policy rule validation',
  definition: {
    group: GROUP,
    versions: onlyV1(GROUP, 'Role'),
    names: { plural: 'roles', singular: 'role', kind: 'Role', listKind: 'RoleList' },
    namespaced: true,
    generation: 'none',
    nameValidation: 'PathSegment',
  },
  validate(obj, errors) {
    validateRules(obj.rules, true, errors);
  },
});
