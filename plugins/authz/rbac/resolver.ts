/**
 * RBAC rule resolution over the in-memory cache: the bindings that apply to a user (User, Group,
 * ServiceAccount subjects), the rules of their roles, and the authorizer's Decision.
 */
import type { AuthorizationAttributes, Decision, UserInfo } from '../../../core/auth/types';
import type { KObject } from '../../../core/registry/types';
import type { RbacCache } from './cache';
import { normalizeRule, ruleAllows, type PolicyRule } from './rules';

const SA_PREFIX = 'system:serviceaccount:';

interface Subject {
  kind?: string;
  name?: string;
  namespace?: string;
}

/** appliesToUser: a subject of a binding in `bindingNamespace` ('' for ClusterRoleBindings) */
export function subjectApplies(subject: Subject, user: UserInfo, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.username === subject.name;
    case 'Group':
      return subject.name !== undefined && user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const ns = subject.namespace || bindingNamespace;
      return !!ns && !!subject.name && user.username === `${SA_PREFIX}${ns}:${subject.name}`;
    }
    default:
      return false;
  }
}

/** Where a rule came from, for the allow reason. */
export interface RuleSource {
  binding: KObject;
  subject: Subject;
  roleKind: string;
  roleName: string;
}

/** Visit every rule `user` holds in `namespace` ('' = cluster bindings only); return true to stop. Errors (missing roles) are collected. */
export function visitRules(cache: RbacCache, user: UserInfo, namespace: string, visit: (source: RuleSource, rule: PolicyRule) => boolean, errors: string[] = []): void {
  const each = (binding: KObject, bindingNamespace: string): boolean => {
    const b = binding as { subjects?: Subject[]; roleRef?: { kind?: string; name?: string } };
    const subject = (Array.isArray(b.subjects) ? b.subjects : []).find((s) => s && subjectApplies(s, user, bindingNamespace));
    if (!subject) return false;
    const kind = b.roleRef?.kind ?? '';
    const name = b.roleRef?.name ?? '';
    const role = kind === 'ClusterRole' ? cache.clusterRole(name) : kind === 'Role' && bindingNamespace ? cache.role(bindingNamespace, name) : undefined;
    if (!role) {
      const what = kind === 'Role' ? `role.rbac.authorization.k8s.io "${name}"` : `clusterrole.rbac.authorization.k8s.io "${name}"`;
      errors.push(`${what} not found`);
      return false;
    }
    const rules = Array.isArray(role.rules) ? role.rules : [];
    const source = { binding, subject, roleKind: kind, roleName: name };
    for (const raw of rules) if (visit(source, normalizeRule(raw))) return true;
    return false;
  };
  for (const crb of cache.clusterRoleBindings()) if (each(crb, '')) return;
  if (!namespace) return;
  for (const rb of cache.roleBindings(namespace)) if (each(rb, namespace)) return;
}

/** Every rule `user` holds in `namespace` (cluster-wide rules included). */
export function rulesFor(cache: RbacCache, user: UserInfo, namespace: string, errors: string[] = []): PolicyRule[] {
  const rules: PolicyRule[] = [];
  visitRules(cache, user, namespace, (_s, rule) => {
    rules.push(rule);
    return false;
  }, errors);
  return rules;
}

function describe(source: RuleSource): string {
  const b = source.binding;
  const binding = b.metadata.namespace ? `RoleBinding "${b.metadata.name}/${b.metadata.namespace}"` : `ClusterRoleBinding "${b.metadata.name}"`;
  const subject = source.subject.kind === 'ServiceAccount' ? `ServiceAccount "${source.subject.name}/${source.subject.namespace || b.metadata.namespace}"` : `${source.subject.kind} "${source.subject.name}"`;
  return `RBAC: allowed by ${binding} of ${source.roleKind} "${source.roleName}" to ${subject}`;
}

/** The RBAC authorizer: Allow when a rule matches, otherwise no opinion (undefined). */
export function rbacDecision(cache: RbacCache, attrs: AuthorizationAttributes): Decision | undefined {
  let allowedBy: RuleSource | undefined;
  visitRules(cache, attrs.user, attrs.isResourceRequest ? attrs.namespace : '', (source, rule) => {
    if (!ruleAllows(attrs, rule)) return false;
    allowedBy = source;
    return true;
  });
  return allowedBy ? { allowed: true, reason: describe(allowedBy) } : undefined;
}
