/** RoleBinding (rbac.authorization.k8s.io/v1 rolebindings): roleRef (Role or ClusterRole, immutable) and subjects. */
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { onlyV1 } from '../../shared/versions';
import { bindingPrinter, defaultBinding, GROUP, validateBinding, validateRoleRefUnchanged } from '../rbac';

export default defineResourcePlugin({
  name: 'RoleBinding',
  description: 'rbac.authorization.k8s.io/v1 rolebindings: subject defaults, roleRef/subject validation, immutable roleRef, printer',
  definition: {
    group: GROUP,
    versions: onlyV1(GROUP, 'RoleBinding'),
    names: { plural: 'rolebindings', singular: 'rolebinding', kind: 'RoleBinding', listKind: 'RoleBindingList' },
    namespaced: true,
    generation: 'none',
    nameValidation: 'PathSegment',
    printer: bindingPrinter('roleBinding'),
  },
  defaults: defaultBinding,
  validate(obj, errors) {
    validateBinding(obj, true, errors);
  },
  validateUpdate(obj, old, errors) {
    validateRoleRefUnchanged(obj, old, errors);
  },
});
