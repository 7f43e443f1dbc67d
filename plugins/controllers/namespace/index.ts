/**
 * Namespace controller: a namespace with a deletionTimestamp is emptied — every namespaced
 * resource found by discovery (custom resources included) is deleted (deletecollection, else one by
 * one), status conditions report progress (NamespaceDeletionDiscoveryFailure, ...ContentFailure,
 * NamespaceContentRemaining, NamespaceFinalizersRemaining), and once nothing remains the
 * `kubernetes` finalizer is removed through /finalize and the namespace deleted for good.
 */
import { defineController, discoverResources, gvr, isStatusReason, resourcePath, splitKey, type Client, type DiscoveredResource } from '../../../core/client';
import type { KObject } from '../../../core/registry/types';
import { enableNamespaceFinalization, FINALIZER_KUBERNETES } from '../../resources/core/namespaces';

export const PLUGIN_NAME = 'Namespace';
const NAMESPACES = gvr('v1', 'namespaces');

export interface NamespaceControllerOptions {
  /** how long to wait before checking again while content remains (ms) */
  recheckMs?: number;
}

interface Condition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
  lastTransitionTime?: string;
}

interface NamespaceObject extends KObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: Condition[] };
}

const CONDITION_TYPES = [
  'NamespaceDeletionDiscoveryFailure',
  'NamespaceDeletionGroupVersionParsingFailure',
  'NamespaceDeletionContentFailure',
  'NamespaceContentRemaining',
  'NamespaceFinalizersRemaining',
] as const;

const OK_REASONS: Record<(typeof CONDITION_TYPES)[number], string> = {
  NamespaceDeletionDiscoveryFailure: 'ResourcesDiscovered',
  NamespaceDeletionGroupVersionParsingFailure: 'ParsedGroupVersions',
  NamespaceDeletionContentFailure: 'ContentDeleted',
  NamespaceContentRemaining: 'ContentRemoved',
  NamespaceFinalizersRemaining: 'ContentHasNoFinalizers',
};

export interface DeletionOutcome {
  discoveryFailed: string[];
  deleteFailures: string[];
  /** resource -> remaining count */
  remaining: Map<string, number>;
  /** finalizer -> remaining objects carrying it */
  finalizers: Map<string, number>;
}

/** Delete every namespaced object of `namespace`; report what failed and what remains. */
export async function deleteAllContent(client: Client, namespace: string): Promise<DeletionOutcome> {
  const { resources, failed } = await discoverResources(client);
  const outcome: DeletionOutcome = { discoveryFailed: failed, deleteFailures: [], remaining: new Map(), finalizers: new Map() };
  const targets = resources.filter((r) => r.namespaced && r.verbs.includes('delete') && r.verbs.includes('list'));
  await Promise.all(targets.map((r) => deleteResource(client, namespace, r, outcome)));
  return outcome;
}

async function deleteResource(client: Client, namespace: string, r: DiscoveredResource, out: DeletionOutcome): Promise<void> {
  const label = r.gvr.group ? `${r.gvr.resource}.${r.gvr.group}` : r.gvr.resource;
  try {
    if (r.verbs.includes('deletecollection')) {
      await client.request({ method: 'DELETE', path: resourcePath(r.gvr, namespace), body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } });
    }
    const list = await client.list(r.gvr, { namespace });
    for (const item of list.items) {
      if (!item.metadata.deletionTimestamp) {
        try {
          await client.delete(r.gvr, { namespace, name: item.metadata.name ?? '' }, { propagationPolicy: 'Background', preconditions: { uid: item.metadata.uid } });
        } catch (err) {
          if (!isStatusReason(err, 'NotFound') && !isStatusReason(err, 'Conflict')) throw err;
        }
      }
    }
    const left = (await client.list(r.gvr, { namespace })).items;
    if (left.length > 0) out.remaining.set(label, left.length);
    for (const item of left) for (const f of item.metadata.finalizers ?? []) out.finalizers.set(f, (out.finalizers.get(f) ?? 0) + 1);
  } catch (err) {
    if (isStatusReason(err, 'NotFound') || isStatusReason(err, 'MethodNotAllowed')) return;
    out.deleteFailures.push(`${label}: ${(err as Error).message}`);
  }
}

/** The namespace's deletion conditions for an outcome (Kubernetes' messages, sorted). */
export function conditionsFor(out: DeletionOutcome, now: string): Condition[] {
  const failing: Partial<Record<(typeof CONDITION_TYPES)[number], [string, string]>> = {};
  if (out.discoveryFailed.length) failing.NamespaceDeletionDiscoveryFailure = ['DiscoveryFailed', `Discovery failed for some groups, ${out.discoveryFailed.length} failing: ${out.discoveryFailed.sort().join(', ')}`];
  if (out.deleteFailures.length) failing.NamespaceDeletionContentFailure = ['ContentDeletionFailed', `Failed to delete all resource types, ${out.deleteFailures.length} remaining: ${out.deleteFailures.sort().join(', ')}`];
  if (out.remaining.size) {
    const parts = [...out.remaining].sort(([a], [b]) => a.localeCompare(b)).map(([r, n]) => `${r} has ${n} resource instances`);
    failing.NamespaceContentRemaining = ['SomeResourcesRemain', `Some resources are remaining: ${parts.join(', ')}`];
  }
  if (out.finalizers.size) {
    const parts = [...out.finalizers].sort(([a], [b]) => a.localeCompare(b)).map(([f, n]) => `${f} in ${n} resource instances`);
    failing.NamespaceFinalizersRemaining = ['SomeFinalizersRemain', `Some content in the namespace has finalizers remaining: ${parts.join(', ')}`];
  }
  return CONDITION_TYPES.map((type) => {
    const f = failing[type];
    return f
      ? { type, status: 'True' as const, reason: f[0], message: f[1], lastTransitionTime: now }
      : { type, status: 'False' as const, reason: OK_REASONS[type], message: okMessage(type), lastTransitionTime: now };
  });
}

function okMessage(type: (typeof CONDITION_TYPES)[number]): string {
  switch (type) {
    case 'NamespaceDeletionDiscoveryFailure':
      return 'All resources successfully discovered';
    case 'NamespaceDeletionGroupVersionParsingFailure':
      return 'All legacy kube types successfully parsed';
    case 'NamespaceDeletionContentFailure':
      return 'All content successfully deleted, may be waiting on finalization';
    case 'NamespaceContentRemaining':
      return 'All content successfully removed';
    default:
      return 'All content-preserving finalizers finished';
  }
}

/** Keep lastTransitionTime of conditions whose status did not change. */
function mergeConditions(old: Condition[] | undefined, next: Condition[]): Condition[] {
  return next.map((c) => {
    const prev = old?.find((o) => o.type === c.type);
    return prev && prev.status === c.status ? { ...c, lastTransitionTime: prev.lastTransitionTime ?? c.lastTransitionTime } : c;
  });
}

function sameConditions(a: Condition[] | undefined, b: Condition[]): boolean {
  if (!a || a.length !== b.length) return false;
  return a.every((c, i) => c.type === b[i].type && c.status === b[i].status && c.reason === b[i].reason && c.message === b[i].message);
}

export default defineController<NamespaceControllerOptions>({
  name: PLUGIN_NAME,
  description: 'deletes everything in a namespace being deleted, reports progress in status conditions, then removes the kubernetes finalizer',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { recheckMs: { type: 'integer', minimum: 10, default: 1000 } },
  },
  workers: 4,
  apply(server) {
    // namespaces stay Terminating until this controller empties spec.finalizers
    enableNamespaceFinalization(server);
  },
  setup(ctx, options) {
    const recheckMs = options.recheckMs ?? 1000;
    const namespaces = ctx.informers.informerFor<NamespaceObject>(NAMESPACES);
    const onChange = (ns: NamespaceObject) => {
      if (ns.metadata.deletionTimestamp) ctx.enqueue(ns.metadata.name ?? '');
    };
    namespaces.addEventHandler({ add: onChange, update: (_, ns) => onChange(ns) });
    return {
      async reconcile(key) {
        const { name } = splitKey(key);
        let ns: NamespaceObject;
        try {
          ns = await ctx.client.get<NamespaceObject>(NAMESPACES, { name });
        } catch (err) {
          if (isStatusReason(err, 'NotFound')) return;
          throw err;
        }
        if (!ns.metadata.deletionTimestamp) return;
        const finalizers = ns.spec?.finalizers ?? [];
        if (!finalizers.includes(FINALIZER_KUBERNETES)) {
          // our part is done; other finalizers (or metadata.finalizers) keep it until they finish
          if (finalizers.length === 0) await deleteAgain(ctx.client, ns);
          return;
        }
        const outcome = await deleteAllContent(ctx.client, name);
        const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
        const conditions = mergeConditions(ns.status?.conditions, conditionsFor(outcome, now));
        if (ns.status?.phase !== 'Terminating' || !sameConditions(ns.status?.conditions, conditions)) {
          try {
            ns = await ctx.client.updateStatus<NamespaceObject>(NAMESPACES, { ...ns, status: { ...(ns.status ?? {}), phase: 'Terminating', conditions } });
          } catch (err) {
            if (isStatusReason(err, 'NotFound')) return;
            if (!isStatusReason(err, 'Conflict')) throw err;
            return { requeueAfterMs: 0 };
          }
        }
        if (outcome.discoveryFailed.length || outcome.deleteFailures.length || outcome.remaining.size) {
          return { requeueAfterMs: outcome.finalizers.size ? recheckMs * 2 : recheckMs };
        }
        const rest = finalizers.filter((f) => f !== FINALIZER_KUBERNETES);
        try {
          ns = await ctx.client.request<NamespaceObject>({
            method: 'PUT',
            path: `/api/v1/namespaces/${encodeURIComponent(name)}/finalize`,
            body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, resourceVersion: ns.metadata.resourceVersion }, spec: { finalizers: rest } },
          });
        } catch (err) {
          if (isStatusReason(err, 'NotFound')) return;
          throw err;
        }
        if (rest.length === 0) await deleteAgain(ctx.client, ns);
      },
    };
  },
});

/** With spec.finalizers empty, a second DELETE removes the namespace (unless metadata.finalizers keep it). */
async function deleteAgain(client: Client, ns: NamespaceObject): Promise<void> {
  try {
    await client.delete(NAMESPACES, { name: ns.metadata.name ?? '' }, { preconditions: { uid: ns.metadata.uid } });
  } catch (err) {
    if (!isStatusReason(err, 'NotFound') && !isStatusReason(err, 'Conflict')) throw err;
  }
}
