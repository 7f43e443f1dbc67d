/**
 * What the four rbac.authorization.k8s.io/v1 plugins share: PolicyRule, RoleRef and Subject
 * defaults and validation (pkg/apis/rbac/validation), the binding printer (ROLE, *USERS, *GROUPS,
 * *SERVICEACCOUNTS) and the roleRef immutability rule.
 */
import type { KObject, TablePrinter } from '../../../core/registry/types';
import { age } from '../shared/age';
import { child, index, invalid, notSupported, required, type FieldError } from '../shared/field-errors';
import { isDNS1123Subdomain, isPathSegmentName } from '../shared/names';
import { arr, deepEqual, isRecord, recs, str, type Json } from '../shared/object';
import { AGE_COLUMN, column, NAME_COLUMN, wide } from '../shared/printer';

export const GROUP = 'rbac.authorization.k8s.io';
const SUBJECT_KINDS = ['ServiceAccount', 'User', 'Group'];

/** ValidatePolicyRule for each of `rules` */
export function validateRules(rules: unknown, namespaced: boolean, errors: FieldError[]): void {
  arr(rules).forEach((r, i) => {
    const path = index('rules', i);
    const rule: Json = isRecord(r) ? r : {};
    if (arr(rule.verbs).length === 0) errors.push(required(child(path, 'verbs'), 'verbs must contain at least one value'));
    const urls = arr(rule.nonResourceURLs);
    if (urls.length > 0) {
      if (namespaced) errors.push(invalid(child(path, 'nonResourceURLs'), urls, 'namespaced rules cannot apply to non-resource URLs'));
      if (arr(rule.apiGroups).length || arr(rule.resources).length || arr(rule.resourceNames).length) {
        errors.push(invalid(child(path, 'nonResourceURLs'), urls, 'rules cannot apply to both regular resources and non-resource URLs'));
      }
      return;
    }
    if (arr(rule.apiGroups).length === 0) errors.push(required(child(path, 'apiGroups'), 'resource rules must supply at least one api group'));
    if (arr(rule.resources).length === 0) errors.push(required(child(path, 'resources'), 'resource rules must supply at least one resource'));
  });
}

/** SetDefaults_RoleBinding/ClusterRoleBinding and SetDefaults_Subject */
export function defaultBinding(obj: KObject): void {
  const o = obj as Json;
  if (isRecord(o.roleRef) && !str(o.roleRef.apiGroup)) o.roleRef.apiGroup = GROUP;
  for (const s of recs(o.subjects)) {
    if (str(s.apiGroup)) continue;
    if (s.kind === 'ServiceAccount') s.apiGroup = '';
    else if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = GROUP;
  }
}

/** ValidateRoleBinding / ValidateClusterRoleBinding (all but metadata) */
export function validateBinding(obj: KObject, namespaced: boolean, errors: FieldError[]): void {
  const o = obj as Json;
  const ref: Json = isRecord(o.roleRef) ? o.roleRef : {};
  if (str(ref.apiGroup) !== GROUP) errors.push(notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(str(ref.kind))) errors.push(notSupported('roleRef.kind', ref.kind ?? '', kinds));
  const name = str(ref.name);
  if (!name) errors.push(required('roleRef.name'));
  else for (const msg of isPathSegmentName(name)) errors.push(invalid('roleRef.name', name, msg));
  arr(o.subjects).forEach((x, i) => validateSubject(isRecord(x) ? x : {}, namespaced, index('subjects', i), errors));
}

function validateSubject(s: Json, namespaced: boolean, path: string, errors: FieldError[]): void {
  const name = str(s.name);
  if (!name) errors.push(required(child(path, 'name')));
  switch (s.kind) {
    case 'ServiceAccount':
      if (name) for (const msg of isDNS1123Subdomain(name)) errors.push(invalid(child(path, 'name'), name, msg));
      if (str(s.apiGroup)) errors.push(notSupported(child(path, 'apiGroup'), s.apiGroup, ['']));
      if (!namespaced && !str(s.namespace)) errors.push(required(child(path, 'namespace')));
      break;
    case 'User':
    case 'Group':
      if (!name) errors.push(invalid(child(path, 'name'), name, `${s.kind === 'User' ? 'user' : 'group'} name cannot be empty`));
      if (str(s.apiGroup) !== GROUP) errors.push(notSupported(child(path, 'apiGroup'), s.apiGroup ?? '', [GROUP]));
      break;
    default:
      errors.push(notSupported(child(path, 'kind'), s.kind ?? '', SUBJECT_KINDS));
  }
}

/** ValidateRoleBindingUpdate: `cannot change roleRef` */
export function validateRoleRefUnchanged(obj: KObject, old: KObject, errors: FieldError[]): void {
  const now = (obj as Json).roleRef;
  if (!deepEqual(now ?? {}, (old as Json).roleRef ?? {})) errors.push(invalid('roleRef', now ?? null, 'cannot change roleRef'));
}

/** rbac.SubjectsStrings: users, groups, `namespace/name` service accounts */
export function subjectsStrings(subjects: unknown): { users: string[]; groups: string[]; serviceAccounts: string[] } {
  const out = { users: [] as string[], groups: [] as string[], serviceAccounts: [] as string[] };
  for (const s of recs(subjects)) {
    if (s.kind === 'ServiceAccount') out.serviceAccounts.push(`${str(s.namespace)}/${str(s.name)}`);
    else if (s.kind === 'User') out.users.push(str(s.name));
    else if (s.kind === 'Group') out.groups.push(str(s.name));
  }
  return out;
}

/** printRoleBinding / printClusterRoleBinding */
export function bindingPrinter(what: 'roleBinding' | 'clusterRoleBinding'): TablePrinter {
  return {
    columns: [
      NAME_COLUMN,
      column('Role', 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.'),
      AGE_COLUMN,
      wide('Users', `Users in the ${what}`),
      wide('Groups', `Groups in the ${what}`),
      wide('ServiceAccounts', `ServiceAccounts in the ${what}`),
    ],
    row(obj: KObject, now: Date) {
      const o = obj as Json;
      const ref: Json = isRecord(o.roleRef) ? o.roleRef : {};
      const { users, groups, serviceAccounts } = subjectsStrings(o.subjects);
      return [obj.metadata.name ?? '', `${str(ref.kind)}/${str(ref.name)}`, age(obj, now), users.join(', '), groups.join(', '), serviceAccounts.join(', ')];
    },
  };
}
