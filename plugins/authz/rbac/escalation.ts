/**
 * Escalation prevention (a validating admission tap): a Role/ClusterRole may only carry rules its
 * writer holds (unless `escalate` on roles/clusterroles), and a RoleBinding/ClusterRoleBinding may
 * only bind a role whose rules its writer holds (unless `bind` on that role). An aggregationRule
 * can gather anything, so setting one needs full authority (`*` everywhere) or `escalate`.
 */
import type { UserInfo } from '../../../core/auth/types';
import { statusError } from '../../../core/api/status';
import type { AdmissionAttributes, KObject } from '../../../core/registry/types';
import type { HasHookIndex } from '../../../core/server/hook-index';
import { ANONYMOUS_USER, authorize } from '../authorization';
import type { RbacCache } from './cache';
import { rulesFor } from './resolver';
import { normalizeRule, ruleString, uncoveredRules, type PolicyRule } from './rules';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** what a ClusterRole with an aggregationRule may gather */
const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

const rulesOf = (obj: KObject | undefined): PolicyRule[] => (Array.isArray(obj?.rules) ? obj.rules.map(normalizeRule) : []);

function forbidden(attrs: AdmissionAttributes, name: string, message: string): Error {
  const qualified = `${attrs.resource.resource}.${RBAC_GROUP}`;
  return statusError('Forbidden', `${qualified} ${JSON.stringify(name)} is forbidden: ${message}`, { name, group: RBAC_GROUP, kind: attrs.resource.resource });
}

function userString(user: UserInfo): string {
  return `user ${JSON.stringify(user.username)} (groups=${JSON.stringify(user.groups)})`;
}

function notHeld(user: UserInfo, missing: PolicyRule[]): string {
  return `${userString(user)} is attempting to grant RBAC permissions not currently held:\n${missing.map(ruleString).join('\n')}`;
}

/** The validating admission tap (no-op for anything but the four RBAC kinds). */
export function escalationCheck(server: HasHookIndex, getCache: () => RbacCache | undefined): (attrs: AdmissionAttributes) => Promise<void> {
  return async (attrs) => {
    if (attrs.resource.group !== RBAC_GROUP || attrs.subresource || !attrs.object) return;
    if (attrs.operation !== 'CREATE' && attrs.operation !== 'UPDATE') return;
    // before the cache is started nobody holds anything (fail closed)
    const cache = getCache();
    const user = attrs.ctx.user ?? ANONYMOUS_USER;
    const held = (ns: string) => (cache ? rulesFor(cache, user, ns) : []);
    const obj = attrs.object;
    const name = obj.metadata.name ?? attrs.name;
    const resource = attrs.resource.resource;
    const namespace = resource === 'roles' || resource === 'rolebindings' ? attrs.namespace : '';
    const can = async (verb: string, res: string, resName: string) =>
      (await authorize(server, { user, verb, apiGroup: RBAC_GROUP, resource: res, subresource: '', namespace, name: resName, path: '', isResourceRequest: true })).allowed;

    if (resource === 'roles' || resource === 'clusterroles') {
      const aggregation = (obj as { aggregationRule?: unknown }).aggregationRule;
      if (attrs.operation === 'UPDATE' && attrs.oldObject) {
        const unchanged =
          JSON.stringify(rulesOf(obj)) === JSON.stringify(rulesOf(attrs.oldObject)) &&
          JSON.stringify(aggregation ?? null) === JSON.stringify((attrs.oldObject as { aggregationRule?: unknown }).aggregationRule ?? null);
        if (unchanged) return;
      }
      if (await can('escalate', resource, attrs.name)) return;
      const requested = resource === 'clusterroles' && aggregation ? FULL_AUTHORITY : rulesOf(obj);
      const missing = uncoveredRules(held(namespace), requested);
      if (missing.length > 0) throw forbidden(attrs, name, notHeld(user, missing));
      return;
    }

    if (resource === 'rolebindings' || resource === 'clusterrolebindings') {
      const ref = (obj as { roleRef?: { kind?: string; name?: string } }).roleRef ?? {};
      const roleName = ref.name ?? '';
      const roleResource = ref.kind === 'Role' ? 'roles' : 'clusterroles';
      if (await can('bind', roleResource, roleName)) return;
      const role = ref.kind === 'Role' ? cache?.role(namespace, roleName) : cache?.clusterRole(roleName);
      if (!role) throw forbidden(attrs, name, `${userString(user)} is attempting to bind ${ref.kind ?? 'ClusterRole'} ${JSON.stringify(roleName)}, which was not found, without the bind permission`);
      const missing = uncoveredRules(held(namespace), rulesOf(role));
      if (missing.length > 0) throw forbidden(attrs, name, notHeld(user, missing));
    }
  };
}
