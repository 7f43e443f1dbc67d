/**
 * Admission for custom subresources (pods/binding, pods/eviction, serviceaccounts/token, ...): a
 * POST/PUT/PATCH body reaches mutating then validating admission as the subresource's own kind
 * (Binding, Eviction, TokenRequest), with `subresource` set, before the subresource's handler runs
 * — as kube-apiserver admits them. A mutated body is handed on to the handler as JSON.
 */
import { decodeBody } from '../api/decode';
import { parseDryRun } from '../api/options';
import type { RequestContext } from '../pipeline/types';
import type { HasHookIndex } from '../server/hook-index';
import { getApiHooks, type RegisteredResource } from './registry';
import type { AdmissionAttributes, CustomSubresource, KObject } from './types';

const OPERATIONS: Readonly<Record<string, AdmissionAttributes['operation']>> = { create: 'CREATE', update: 'UPDATE', patch: 'UPDATE' };

export async function admitCustomSubresource(
  host: HasHookIndex,
  ctx: RequestContext,
  resource: RegisteredResource,
  custom: CustomSubresource,
  target: { namespace: string; name: string; version: string; verb: string },
): Promise<void> {
  const operation = OPERATIONS[target.verb];
  if (!operation || ctx.body.length === 0) return;
  const def = resource.definition;
  const { obj } = decodeBody(ctx.body, ctx.headers['content-type']);
  const object = obj as KObject;
  if (typeof object.metadata !== 'object' || object.metadata === null) object.metadata = {};
  const before = JSON.stringify(object);
  const attrs: AdmissionAttributes = {
    operation,
    resource: { group: def.group, version: target.version, resource: def.names.plural },
    subresource: custom.name,
    kind: { group: custom.group ?? def.group, version: custom.version ?? target.version, kind: custom.kind },
    namespace: target.namespace,
    name: target.name,
    object,
    dryRun: parseDryRun(ctx.query.getAll('dryRun')),
    ctx,
    definition: def,
  };
  const api = getApiHooks(host);
  await api.mutatingAdmission.promise(attrs);
  await api.validatingAdmission.promise(attrs);
  const after = JSON.stringify(attrs.object);
  if (after !== before) {
    ctx.body = Buffer.from(after);
    ctx.headers['content-type'] = 'application/json';
  }
}
