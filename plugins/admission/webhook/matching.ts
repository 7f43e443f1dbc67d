/**
 * Which webhooks a request reaches: rules (operations, apiGroups, apiVersions, resources with
 * subresources, scope), namespaceSelector, objectSelector, and matchConditions in CEL.
 */
import { labelSelectorFromObject } from '../../../core/api/selectors';
import type { AdmissionAttributes } from '../../../core/registry/types';
import type { Server } from '../../../core/server/server';
import { isRecord, readObject, recs, type Json } from '../shared/admission';
import { CEL_BUDGET_MS, evaluateCondition, toCel, type CelBudget } from './cel';

function listMatches(list: unknown, value: string): boolean {
  return Array.isArray(list) && list.some((x) => x === '*' || x === value);
}

function resourceMatches(list: unknown, resource: string, subresource: string): boolean {
  if (!Array.isArray(list)) return false;
  const full = subresource ? `${resource}/${subresource}` : resource;
  return list.some((entry) => {
    const e = String(entry);
    if (e === '*/*' || e === full) return true;
    const [r, s] = e.split('/');
    if (s === undefined) return r === '*' && !subresource;
    return (r === '*' || r === resource) && (s === '*' ? !!subresource : s === subresource);
  });
}

/** Does one RuleWithOperations match the request? */
export function ruleMatches(rule: Json, attrs: AdmissionAttributes): boolean {
  if (!listMatches(rule.operations, attrs.operation)) return false;
  if (!listMatches(rule.apiGroups, attrs.resource.group)) return false;
  if (!listMatches(rule.apiVersions, attrs.resource.version)) return false;
  if (!resourceMatches(rule.resources, attrs.resource.resource, attrs.subresource)) return false;
  const scope = rule.scope ?? '*';
  const namespaced = attrs.definition.namespaced;
  if (scope === 'Cluster' && namespaced) return false;
  if (scope === 'Namespaced' && !namespaced) return false;
  return true;
}

function selectorMatches(selector: unknown, labels: Record<string, string> | undefined): boolean {
  if (!isRecord(selector) || Object.keys(selector).length === 0) return true;
  const sel = labelSelectorFromObject(selector);
  return sel ? sel.matches(labels ?? {}) : false;
}

const isNamespace = (attrs: AdmissionAttributes) => attrs.resource.group === '' && attrs.resource.resource === 'namespaces';

/** namespaceSelector: the namespace's labels; the Namespace object's own; other cluster-scoped objects always match. */
export async function namespaceMatches(server: Server, webhook: Json, attrs: AdmissionAttributes): Promise<boolean> {
  const selector = webhook.namespaceSelector;
  if (!isRecord(selector) || Object.keys(selector).length === 0) return true;
  if (isNamespace(attrs)) return selectorMatches(selector, (attrs.object ?? attrs.oldObject)?.metadata.labels);
  if (!attrs.definition.namespaced) return true;
  const ns = await readObject(server, '', 'namespaces', '', attrs.namespace);
  return selectorMatches(selector, ns?.metadata.labels);
}

/** objectSelector: the new or the old object's labels. */
export function objectMatches(webhook: Json, attrs: AdmissionAttributes): boolean {
  const selector = webhook.objectSelector;
  if (!isRecord(selector) || Object.keys(selector).length === 0) return true;
  return selectorMatches(selector, attrs.object?.metadata.labels) || selectorMatches(selector, attrs.oldObject?.metadata.labels);
}

/** Rules and selectors (the cheap part, before matchConditions). */
export async function webhookApplies(server: Server, webhook: Json, attrs: AdmissionAttributes): Promise<boolean> {
  if (!recs(webhook.rules).some((r) => ruleMatches(r, attrs))) return false;
  if (!objectMatches(webhook, attrs)) return false;
  return namespaceMatches(server, webhook, attrs);
}

/** matchConditions: all must be true; an error is thrown (the failurePolicy decides). */
export function conditionsMatch(webhook: Json, request: Json, budget: CelBudget = { deadline: Date.now() + CEL_BUDGET_MS }): boolean {
  const conditions = recs(webhook.matchConditions);
  if (!conditions.length) return true;
  const vars = { object: toCel(request.object ?? null), oldObject: toCel(request.oldObject ?? null), request: toCel(request) };
  for (const c of conditions) {
    try {
      if (!evaluateCondition(String(c.expression), vars, budget)) return false;
    } catch (err) {
      throw new Error(`matchCondition "${String(c.name)}" failed: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return true;
}
