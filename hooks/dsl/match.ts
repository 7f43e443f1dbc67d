/**
 * Does a hook apply to a request: resourceRules / excludeResourceRules (apiGroups, apiVersions,
 * resources with `res/sub` and `*`, operations, resourceNames, scope), objectSelector (new or old
 * object's labels) and namespaceSelector (the namespace's labels; a Namespace's own labels; other
 * cluster-scoped objects always match), as Kubernetes' matchConstraints.
 */
import { labelSelectorFromObject } from '../../core/api/selectors';
import type { HookSpec, Json, ResourceRule } from './types';

/** What the rules of a resource request look at. */
export interface MatchResource {
  group: string;
  version: string;
  resource: string;
  subresource: string;
  operation: string;
  namespace: string;
  name: string;
  namespaced: boolean;
}

const anyOf = (list: string[] | undefined, value: string) => !list || list.some((x) => x === '*' || x === value);

function resourceIn(list: string[] | undefined, resource: string, subresource: string): boolean {
  if (!list) return !subresource;
  const full = subresource ? `${resource}/${subresource}` : resource;
  return list.some((e) => {
    if (e === '*/*' || e === full) return true;
    const [r, s] = e.split('/');
    if (s === undefined) return r === '*' && !subresource;
    return (r === '*' || r === resource) && (s === '*' ? !!subresource : s === subresource);
  });
}

export function ruleMatches(rule: ResourceRule, r: MatchResource): boolean {
  if (!anyOf(rule.operations, r.operation)) return false;
  if (!anyOf(rule.apiGroups, r.group)) return false;
  if (!anyOf(rule.apiVersions, r.version)) return false;
  if (!resourceIn(rule.resources, r.resource, r.subresource)) return false;
  if (rule.resourceNames?.length && !rule.resourceNames.includes(r.name)) return false;
  const scope = rule.scope ?? '*';
  if (scope === 'Cluster' && r.namespaced) return false;
  if (scope === 'Namespaced' && !r.namespaced) return false;
  return true;
}

export function rulesMatch(spec: HookSpec, r: MatchResource): boolean {
  const include = spec.match?.resourceRules;
  if (include && include.length && !include.some((x) => ruleMatches(x, r))) return false;
  return !(spec.match?.excludeResourceRules ?? []).some((x) => ruleMatches(x, r));
}

export function selectorMatches(selector: unknown, labels: Record<string, string> | undefined): boolean {
  if (!selector || typeof selector !== 'object' || Object.keys(selector).length === 0) return true;
  const sel = labelSelectorFromObject(selector);
  return sel ? sel.matches(labels ?? {}) : false;
}

export function objectSelected(spec: HookSpec, object: Json | null | undefined, oldObject: Json | null | undefined): boolean {
  const sel = spec.match?.objectSelector;
  if (!sel || Object.keys(sel).length === 0) return true;
  return selectorMatches(sel, object?.metadata?.labels) || selectorMatches(sel, oldObject?.metadata?.labels);
}

/** namespaceSelector; `nsLabels` is called only when a selector is set and the resource is namespaced. */
export async function namespaceSelected(spec: HookSpec, r: MatchResource, object: Json | null | undefined, nsLabels?: () => Promise<Record<string, string> | undefined>): Promise<boolean> {
  const sel = spec.match?.namespaceSelector;
  if (!sel || Object.keys(sel).length === 0) return true;
  if (r.group === '' && r.resource === 'namespaces') return selectorMatches(sel, object?.metadata?.labels);
  if (!r.namespaced) return true;
  return selectorMatches(sel, nsLabels ? await nsLabels() : undefined);
}
