/**
 * pods/binding (POST Binding: assign the pod to a node, 409 if it already has one) and
 * pods/eviction (POST policy/v1 Eviction: delete the pod through the store with the eviction's
 * deleteOptions, 201 Status Success; PodDisruptionBudget checks arrive with the disruption controller).
 */
import { parseDeleteOptions } from '../../../../core/api/options';
import { statusError, success } from '../../../../core/api/status';
import type { ApiResponse, RequestContext } from '../../../../core/pipeline/types';
import type { RegisteredResource } from '../../../../core/registry/registry';
import { getStore } from '../../../../core/registry/store';
import { deleteObject } from '../../../../core/registry/store-delete';
import type { CustomSubresource, KObject, SubresourceTarget } from '../../../../core/registry/types';
import type { Server } from '../../../../core/server/server';
import { rfc3339 } from '../../shared/age';
import { ensure, isRecord, recs, str, type Json } from '../../shared/object';
import { getObject, guaranteedUpdate, jsonBody, notFoundError } from '../../shared/store-access';

function requirePost(ctx: RequestContext, what: string): void {
  if (ctx.method !== 'POST') throw statusError('MethodNotAllowed', `the server does not allow this method on the requested resource (${what})`);
}

function dryRun(ctx: RequestContext): boolean {
  return ctx.query.getAll('dryRun').includes('All');
}

/** Set (or refresh) the PodScheduled=True condition. */
function markScheduled(pod: KObject, now: Date): void {
  const status = ensure(pod as Json, 'status');
  const conditions = recs(status.conditions);
  const existing = conditions.find((c) => c.type === 'PodScheduled');
  if (existing) {
    if (existing.status !== 'True') existing.lastTransitionTime = rfc3339(now);
    existing.status = 'True';
    delete existing.reason;
    delete existing.message;
  } else {
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(now) });
  }
  status.conditions = conditions;
}

export function bindingSubresource(server: Server): CustomSubresource {
  return {
    name: 'binding',
    verbs: ['create'],
    kind: 'Binding',
    async handle(ctx: RequestContext, target: SubresourceTarget): Promise<ApiResponse> {
      requirePost(ctx, 'pods/binding');
      const binding = jsonBody(ctx.body);
      const meta: Json = isRecord(binding.metadata) ? binding.metadata : {};
      if (meta.name !== undefined && meta.name !== target.name) {
        throw statusError('BadRequest', 'name in URL does not match name in Binding object');
      }
      const t: Json = isRecord(binding.target) ? binding.target : {};
      const causes = [];
      if (t.kind !== undefined && t.kind !== '' && t.kind !== 'Node') {
        causes.push({ reason: 'FieldValueNotSupported', field: 'target.kind', message: `Unsupported value: ${JSON.stringify(t.kind)}: supported values: "Node"` });
      }
      if (!str(t.name)) causes.push({ reason: 'FieldValueRequired', field: 'target.name', message: 'Required value' });
      if (causes.length) {
        throw statusError('Invalid', `Binding.core "${target.name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`, {
          name: target.name,
          kind: 'Binding',
          causes,
        });
      }
      const nodeName = str(t.name);
      const assign = (pod: KObject) => {
        if (pod.metadata.deletionTimestamp) {
          throw statusError('Conflict', `pod ${target.name} is being deleted, cannot be assigned to a host`, { name: target.name, kind: 'pods' });
        }
        const spec = ensure(pod as Json, 'spec');
        if (str(spec.nodeName)) {
          throw statusError('Conflict', `pod ${target.name} is already assigned to node "${str(spec.nodeName)}"`, { name: target.name, kind: 'pods' });
        }
        spec.nodeName = nodeName;
        if (isRecord(meta.annotations)) pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), ...(meta.annotations as Record<string, string>) };
        markScheduled(pod, new Date());
      };
      if (dryRun(ctx)) {
        const pod = await getObject(server, target.resource, target.namespace, target.name);
        if (!pod) throw notFoundError(target.resource, target.name);
        assign(pod);
      } else {
        await guaranteedUpdate(server, target.resource, target.namespace, target.name, assign);
      }
      return { status: 201, body: success(201) };
    },
  };
}

export function evictionSubresource(server: Server): CustomSubresource {
  return {
    name: 'eviction',
    verbs: ['create'],
    kind: 'Eviction',
    group: 'policy',
    version: 'v1',
    async handle(ctx: RequestContext, target: SubresourceTarget): Promise<ApiResponse> {
      requirePost(ctx, 'pods/eviction');
      const eviction = jsonBody(ctx.body);
      const meta: Json = isRecord(eviction.metadata) ? eviction.metadata : {};
      if (meta.name !== undefined && meta.name !== target.name) {
        throw statusError('BadRequest', 'name in URL does not match name in Eviction object');
      }
      const raw: Json = isRecord(eviction.deleteOptions) ? { ...eviction.deleteOptions } : {};
      if (raw.kind === undefined || raw.kind === '') delete raw.kind;
      delete raw.apiVersion;
      const opts = parseDeleteOptions(Buffer.from(JSON.stringify(raw)), 'application/json', new URLSearchParams());
      const dry = opts.dryRun || dryRun(ctx);
      // the eviction was authorized as `create pods/eviction`; the delete runs in the store, as
      // Kubernetes' EvictionREST does (PodDisruptionBudget checks come with the disruption controller)
      const store = getStore(server, target.resource as RegisteredResource);
      await deleteObject(store, { ctx, dryRun: dry, version: 'v1', subresource: '' }, target.namespace, target.name, { ...opts, dryRun: dry });
      return { status: 201, body: success(201) };
    },
  };
}
