/**
 * PolicyRule matching (rbac authorizer) and coverage (the escalation check): pure functions over
 * rbac.authorization.k8s.io/v1 PolicyRules.
 */
import type { AuthorizationAttributes } from '../../../core/auth/types';

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

const ALL = '*';

/** A rule as read from an object: every list a string[] (garbage in stored objects becomes empty). */
export function normalizeRule(raw: unknown): PolicyRule {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const list = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
  const rule: PolicyRule = { verbs: list(r.verbs) ?? [] };
  for (const k of ['apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'] as const) {
    const v = list(r[k]);
    if (v && v.length > 0) rule[k] = v;
  }
  return rule;
}

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.includes(ALL) || rule.verbs.includes(verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  const groups = rule.apiGroups ?? [];
  return groups.includes(ALL) || groups.includes(group);
}

/** `*`, the exact `resource[/subresource]`, or `*\/subresource` */
export function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const resources = rule.resources ?? [];
  const combined = subresource ? `${resource}/${subresource}` : resource;
  for (const r of resources) {
    if (r === ALL || r === combined) return true;
    if (subresource && r === `*/${subresource}`) return true;
  }
  return false;
}

/** no resourceNames = every name; otherwise the request must name one of them */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

/** `*`, the exact path, or a prefix ending in `*` */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === ALL || u === path) return true;
    if (u.endsWith(ALL) && path.startsWith(u.slice(0, -1))) return true;
  }
  return false;
}

/** Does `rule` allow the request? */
export function ruleAllows(attrs: AuthorizationAttributes, rule: PolicyRule): boolean {
  if (attrs.isResourceRequest) {
    return (
      verbMatches(rule, attrs.verb) &&
      apiGroupMatches(rule, attrs.apiGroup) &&
      resourceMatches(rule, attrs.resource, attrs.subresource) &&
      resourceNameMatches(rule, attrs.name)
    );
  }
  return verbMatches(rule, attrs.verb) && nonResourceURLMatches(rule, attrs.path);
}

/** Split a rule into rules with one verb, group, resource, name (or URL) each. */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const verb of rule.verbs) {
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        const names = rule.resourceNames ?? [];
        if (names.length === 0) out.push({ verbs: [verb], apiGroups: [group], resources: [resource] });
        else for (const n of names) out.push({ verbs: [verb], apiGroups: [group], resources: [resource], resourceNames: [n] });
      }
    }
    for (const url of rule.nonResourceURLs ?? []) out.push({ verbs: [verb], nonResourceURLs: [url] });
  }
  return out;
}

/** Does `owner` cover the atomic rule `sub` (every field of sub is within owner's)? Wildcards in sub need wildcards in owner. */
function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const has = (list: string[] | undefined, v: string) => (list ?? []).includes(ALL) || (list ?? []).includes(v);
  if (!has(owner.verbs, sub.verbs[0])) return false;
  if (sub.nonResourceURLs) {
    const url = sub.nonResourceURLs[0];
    return (owner.nonResourceURLs ?? []).some((u) => u === ALL || u === url || (u.endsWith(ALL) && url.startsWith(u.slice(0, -1))));
  }
  if (!sub.apiGroups || !sub.resources) return false;
  if (!has(owner.apiGroups, sub.apiGroups[0])) return false;
  const res = sub.resources[0];
  const ownerResources = owner.resources ?? [];
  const slash = res.indexOf('/');
  const subresourceWildcard = slash > 0 && ownerResources.includes(`*/${res.slice(slash + 1)}`);
  if (!ownerResources.includes(ALL) && !ownerResources.includes(res) && !subresourceWildcard) return false;
  const ownerNames = owner.resourceNames ?? [];
  if (ownerNames.length === 0) return true;
  return sub.resourceNames !== undefined && ownerNames.includes(sub.resourceNames[0]);
}

/** The requested rules `owner` does not cover (empty = no escalation). */
export function uncoveredRules(owner: readonly PolicyRule[], requested: readonly PolicyRule[]): PolicyRule[] {
  const missing: PolicyRule[] = [];
  for (const rule of requested) for (const sub of breakdownRule(rule)) if (!owner.some((o) => ruleCovers(o, sub))) missing.push(sub);
  return missing;
}

/** `{APIGroups:["apps"], Resources:["deployments"], Verbs:["create"]}` (rbac's CompactString, for messages) */
export function ruleString(rule: PolicyRule): string {
  const parts: string[] = [];
  const q = (v: string[]) => `[${v.map((x) => JSON.stringify(x)).join(' ')}]`;
  if (rule.apiGroups) parts.push(`APIGroups:${q(rule.apiGroups)}`);
  if (rule.resources) parts.push(`Resources:${q(rule.resources)}`);
  if (rule.resourceNames) parts.push(`ResourceNames:${q(rule.resourceNames)}`);
  if (rule.nonResourceURLs) parts.push(`NonResourceURLs:${q(rule.nonResourceURLs)}`);
  parts.push(`Verbs:${q(rule.verbs)}`);
  return `{${parts.join(', ')}}`;
}
