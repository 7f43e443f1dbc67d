/**
 * Offline evaluation (`k8ts hooks test`, unit tests): the hooks of a directory against an object,
 * with the same evaluator and shapes' order as the server: the mutating admission hooks (name
 * order, mutations threaded), then the validating admission hooks on the result. For another hook
 * point, the input file holds the CEL variables of that point (e.g. `reconcile: {...}`).
 */
import * as jsonpatch from 'fast-json-patch';
import { newBudget } from '../../core/api/cel';
import type { ResourceRegistry } from '../../core/registry/registry';
import type { KObject } from '../../core/registry/types';
import type { HookInput, HookVerdict } from './evaluate';
import { runHooks } from './dispatch';
import { HookSet } from './hook-set';
import { offlineParams } from './params';
import { runHookScript } from './script-runner';
import { REQUEST_BUDGET_MS } from './shapes-builtin';
import { MUTATING_POINT, VALIDATING_POINT, type Json } from './types';

export interface OfflineRequest {
  object?: Json | null;
  oldObject?: Json | null;
  params?: Json[];
  operation?: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  user?: { username: string; groups: string[] };
  namespaceLabels?: Record<string, string>;
  /** default: the admission points */
  hookPoint?: string;
  /** the server's resource registry (plural names, scope, defaults), when available */
  registry?: ResourceRegistry;
}

export interface OfflineResult {
  allowed: boolean;
  verdicts: Array<HookVerdict & { point: string }>;
  deny?: { hook: string; message: string; reason: string };
  warnings: string[];
  audit: Record<string, string>;
  /** the object after all mutations */
  object?: Json | null;
  /** JSON Patch from the input object to the mutated one */
  patch: jsonpatch.Operation[];
}

function resourceOf(obj: Json, operation: string, registry?: ResourceRegistry): HookInput['resource'] {
  const apiVersion = String(obj.apiVersion ?? 'v1');
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const kind = String(obj.kind ?? '');
  const res = registry?.byKind(group, kind);
  const namespaced = res ? res.definition.namespaced : true;
  const plural = res ? res.definition.names.plural : `${kind.toLowerCase()}s`;
  return { group, version, resource: plural, subresource: '', operation, namespace: namespaced ? String(obj.metadata?.namespace ?? 'default') : '', name: String(obj.metadata?.name ?? ''), namespaced };
}

export async function evaluateOffline(hooks: HookSet, req: OfflineRequest): Promise<OfflineResult> {
  const params = offlineParams(req.params ?? []);
  const env = { budget: newBudget(REQUEST_BUDGET_MS), params, runScript: runHookScript };
  const result: OfflineResult = { allowed: true, verdicts: [], warnings: [], audit: {}, patch: [] };
  const collect = (point: string, r: Awaited<ReturnType<typeof runHooks>>) => {
    result.verdicts.push(...r.verdicts.map((v) => ({ ...v, point })));
    result.warnings.push(...r.outcome.warnings);
    Object.assign(result.audit, r.outcome.audit);
    if (r.outcome.deny && !result.deny) result.deny = r.outcome.deny;
  };
  if (req.hookPoint && req.hookPoint !== MUTATING_POINT && req.hookPoint !== VALIDATING_POINT) {
    const input: HookInput = { vars: req.object ?? {}, mutable: false };
    collect(req.hookPoint, await runHooks(hooks.forPoint(req.hookPoint), input, env));
    result.allowed = !result.deny;
    return result;
  }
  const operation = req.operation ?? (req.oldObject ? (req.object ? 'UPDATE' : 'DELETE') : 'CREATE');
  let object = req.object ? structuredClone(req.object) : null;
  const subject = object ?? req.oldObject ?? {};
  const resource = resourceOf(subject, operation, req.registry);
  if (object && req.registry && resource) {
    // the resource's defaults, as the server applies them before admission
    const r = req.registry.byKind(resource.group, String(subject.kind));
    if (r && r.storageVersion.name === resource.version) r.hooks.defaults.call(object as KObject);
  }
  const original = structuredClone(object);
  const request = { kind: { group: resource!.group, version: resource!.version, kind: subject.kind }, resource: { group: resource!.group, version: resource!.version, resource: resource!.resource }, subResource: '', name: resource!.name, namespace: resource!.namespace, operation, userInfo: req.user ?? { username: 'offline', groups: ['system:authenticated'] }, dryRun: false };
  const base = (mutable: boolean): HookInput => ({ vars: { object, oldObject: req.oldObject ?? null, request }, object, oldObject: req.oldObject ?? null, mutable, resource, namespaceLabels: async () => req.namespaceLabels ?? {} });
  if (!req.hookPoint || req.hookPoint === MUTATING_POINT) {
    if (object) {
      const r = await runHooks(hooks.forPoint(MUTATING_POINT), base(true), env);
      collect(MUTATING_POINT, r);
      if (r.outcome.object) object = r.outcome.object;
    }
  }
  if (!result.deny && (!req.hookPoint || req.hookPoint === VALIDATING_POINT)) collect(VALIDATING_POINT, await runHooks(hooks.forPoint(VALIDATING_POINT), base(false), env));
  result.allowed = !result.deny;
  result.object = object;
  result.patch = original && object ? jsonpatch.compare(original, object) : [];
  return result;
}
