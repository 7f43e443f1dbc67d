/** ClusterRoleBinding (rbac.authorization.k8s.io/v1 clusterrolebindings, cluster-scoped): a ClusterRole (immutable) bound to subjects. */
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { onlyV1 } from '../../shared/versions';
import { bindingPrinter, defaultBinding, GROUP, validateBinding, validateRoleRefUnchanged } from '../rbac';

export default defineResourcePlugin({
  name: 'ClusterRoleBinding',
  description: 'rbac.authorization.k8s.io/v1 clusterrolebindings: subject defaults, roleRef/subject validation, immutable roleRef, printer',
  definition: {
    group: GROUP,
    versions: onlyV1(GROUP, 'ClusterRoleBinding'),
    names: { plural: 'clusterrolebindings', singular: 'clusterrolebinding', kind: 'ClusterRoleBinding', listKind: 'ClusterRoleBindingList' },
    namespaced: false,
    generation: 'none',
    nameValidation: 'PathSegment',
    printer: bindingPrinter('clusterRoleBinding'),
  },
  defaults: defaultBinding,
  validate(obj, errors) {
    validateBinding(obj, false, errors);
  },
  validateUpdate(obj, old, errors) {
    validateRoleRefUnchanged(obj, old, errors);
  },
});
