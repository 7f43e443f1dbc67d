/**
 * Write verbs of the REST handler: POST, PUT, PATCH, DELETE, deletecollection. Bodies are decoded
 * and checked here (version, kind, namespace/name against the URL, fieldValidation through the
 * `decode` hook), then the store does the rest in the hub shape.
 */
import { checkTypeMeta, decodeBody } from '../api/decode';
import { fieldForbidden, fieldRequired, fieldTooLong, invalidError } from '../api/field-errors';
import { groupVersion, reconcileName, reconcileNamespace } from '../api/meta';
import { requestMediaType } from '../api/negotiate';
import { parseDeleteOptions, parseDryRun, parseFieldValidation, parseListQuery, type FieldValidation } from '../api/options';
import { statusError } from '../api/status';
import type { ApiResponse } from '../pipeline/types';
import { cloneObject } from './codec';
import { responseFormat, type RestRequest } from './rest-request';
import { APPLY_PATCH, applyPatchTo, checkPatchType, trackUpdate } from './patcher';
import { getApiHooks, type DecodeInfo } from './registry';
import { listResponse, objectResponse } from './respond';
import { deleteCollection, deleteObject } from './store-delete';
import { checkResourceVersion, createObject, updateObject, type WriteContext } from './store-write';
import type { KObject } from './types';

export function writeContext(req: RestRequest, dryRun: boolean): WriteContext {
  return { ctx: req.ctx, dryRun, version: req.version, subresource: req.subresource };
}

/** apiVersions a body may carry for this endpoint: the URL's first, then the other served ones. */
export function acceptedVersions(req: RestRequest): string[] {
  const def = req.resource.definition;
  const out = [groupVersion(def.group, req.version)];
  for (const v of def.versions) if (v.served && v.name !== req.version) out.push(groupVersion(def.group, v.name));
  return out;
}

/**
 * The `decode` hook (schema plugins) and fieldValidation: Strict turns unknown or duplicate fields
 * into 400 BadRequest, Warn into `Warning` headers; schema errors are 422 Invalid.
 */
export function runDecodeHook(req: RestRequest, obj: KObject, version: string, fv: FieldValidation, duplicates: readonly string[]): void {
  const info: DecodeInfo = { resource: req.resource as DecodeInfo['resource'], version, fieldValidation: fv, errors: [], unknownFields: [], ctx: req.ctx };
  getApiHooks(req.host).decode.call(obj, info);
  const problems = fv === 'Ignore' ? [] : [...duplicates.map((d) => `duplicate field "${d}"`), ...info.unknownFields.map((f) => `unknown field "${f}"`)];
  const kind = req.resource.definition.names.kind;
  if (problems.length > 0) {
    if (fv === 'Strict') {
      throw statusError('BadRequest', `${kind} in version "${version}" cannot be handled as a ${kind}: strict decoding error: ${problems.join(', ')}`);
    }
    req.ctx.warnings.push(...problems);
  }
  if (info.errors.length > 0) throw invalidError(kind, req.resource.definition.group, String(obj.metadata?.name ?? ''), info.errors);
}

/** Decode a full-object body (POST/PUT) into a hub object for this URL. */
export function decodeObject(req: RestRequest, fv: FieldValidation): KObject {
  const { obj, duplicates } = decodeBody(req.ctx.body, req.ctx.headers['content-type']);
  const apiVersion = checkTypeMeta(obj, acceptedVersions(req), req.resource.definition.names.kind);
  const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
  const kobj = obj as KObject;
  if (kobj.metadata !== undefined && (typeof kobj.metadata !== 'object' || kobj.metadata === null || Array.isArray(kobj.metadata))) {
    throw statusError('BadRequest', 'metadata must be an object');
  }
  reconcileNamespace(kobj, req.namespace, req.resource.definition.namespaced);
  if (req.name) reconcileName(kobj, req.name);
  runDecodeHook(req, kobj, version, fv, fv === 'Ignore' ? [] : duplicates);
  return req.store.codec.toHub(kobj, version);
}

function dryRunOf(req: RestRequest): boolean {
  return parseDryRun(req.ctx.query.getAll('dryRun'));
}

/** fieldManager of a POST/PUT (kubectl-create, kubectl-replace...): recorded in managedFields. */
function fieldManagerOf(req: RestRequest): string | undefined {
  const m = req.ctx.query.get('fieldManager') || undefined;
  if (m !== undefined && m.length > 128) throw invalidError('CreateOptions', 'meta.k8s.io', '', [fieldTooLong('fieldManager', 128)]);
  return m;
}

function track(req: RestRequest, old: KObject | undefined, obj: KObject, manager: string | undefined): KObject {
  if (!manager) return obj;
  const def = req.resource.definition;
  return trackUpdate(old, obj, manager, { schema: def.patchSchema, apiVersion: req.store.codec.apiVersion(req.version), subresource: req.subresource });
}

export async function handleCreate(req: RestRequest): Promise<ApiResponse> {
  const fmt = responseFormat(req);
  const dryRun = dryRunOf(req);
  const fv = parseFieldValidation(req.ctx.query);
  const manager = fieldManagerOf(req);
  const hub = track(req, undefined, decodeObject(req, fv), manager);
  const created = await createObject(req.store, writeContext(req, dryRun), hub);
  return objectResponse(req.store.codec, req.resource.definition.printer, 201, created, fmt);
}

export async function handleUpdate(req: RestRequest): Promise<ApiResponse> {
  const fmt = responseFormat(req);
  const dryRun = dryRunOf(req);
  const fv = parseFieldValidation(req.ctx.query);
  const manager = fieldManagerOf(req);
  const hub = decodeObject(req, fv);
  const result = await updateObject(req.store, writeContext(req, dryRun), {
    namespace: req.namespace,
    name: req.name,
    tryUpdate: (current) => {
      checkResourceVersion(req.store, hub, current);
      return track(req, current, cloneObject(hub), manager);
    },
  });
  return objectResponse(req.store.codec, req.resource.definition.printer, 200, result.obj, fmt);
}

/** A patched object, checked like a body: version/kind, name and namespace, fieldValidation. */
export function checkPatched(req: RestRequest, patched: KObject, fv: FieldValidation): KObject {
  const def = req.resource.definition;
  checkTypeMeta(patched as Record<string, unknown>, [groupVersion(def.group, req.version)], def.names.kind);
  if (typeof patched.metadata !== 'object' || patched.metadata === null || Array.isArray(patched.metadata)) {
    throw statusError('BadRequest', 'metadata must be an object');
  }
  reconcileName(patched, req.name);
  reconcileNamespace(patched, req.namespace, def.namespaced);
  runDecodeHook(req, patched, req.version, fv, []);
  return req.store.codec.toHub(patched, req.version);
}

/** PatchOptions from the query: fieldManager (required for apply: 422 as kube-apiserver), force (apply only). */
export function patchParams(req: RestRequest, contentType: string): { fieldManager?: string; force: boolean } {
  const fieldManager = req.ctx.query.get('fieldManager') || undefined;
  const forceParam = req.ctx.query.get('force');
  if (contentType === APPLY_PATCH && !fieldManager) {
    throw invalidError('PatchOptions', 'meta.k8s.io', '', [fieldRequired('fieldManager', 'is required for apply patch')]);
  }
  if (contentType !== APPLY_PATCH && forceParam !== null) {
    throw invalidError('PatchOptions', 'meta.k8s.io', '', [fieldForbidden('force', 'may not be specified for non-apply patch')]);
  }
  if (fieldManager !== undefined && fieldManager.length > 128) {
    throw invalidError('PatchOptions', 'meta.k8s.io', '', [fieldTooLong('fieldManager', 128)]);
  }
  return { fieldManager, force: forceParam === 'true' };
}

export async function handlePatch(req: RestRequest): Promise<ApiResponse> {
  const fmt = responseFormat(req);
  const dryRun = dryRunOf(req);
  const fv = parseFieldValidation(req.ctx.query);
  const def = req.resource.definition;
  const contentType = requestMediaType(req.ctx.headers['content-type']);
  checkPatchType(contentType, def.patchSchema);
  const params = patchParams(req, contentType);
  const codec = req.store.codec;
  const opts = { schema: def.patchSchema, ...params, subresource: req.subresource, apiVersion: codec.apiVersion(req.version), kind: def.names.kind };
  const result = await updateObject(req.store, writeContext(req, dryRun), {
    namespace: req.namespace,
    name: req.name,
    tryUpdate: async (current) => {
      const live = codec.toVersion(current, req.version);
      const patched = await applyPatchTo(contentType, live, req.ctx.body, opts);
      const hub = checkPatched(req, patched, fv);
      checkResourceVersion(req.store, hub, current);
      return hub;
    },
    createIfMissing:
      contentType === APPLY_PATCH && !req.subresource
        ? async () => {
            const applied = await applyPatchTo(contentType, undefined, req.ctx.body, opts);
            const hub = checkPatched(req, applied, fv);
            delete hub.metadata.resourceVersion;
            return hub;
          }
        : undefined,
  });
  return objectResponse(codec, def.printer, result.created ? 201 : 200, result.obj, fmt);
}

export async function handleDelete(req: RestRequest): Promise<ApiResponse> {
  const fmt = responseFormat(req);
  const opts = parseDeleteOptions(req.ctx.body, req.ctx.headers['content-type'], req.ctx.query);
  const r = await deleteObject(req.store, writeContext(req, opts.dryRun), req.namespace, req.name, opts);
  return objectResponse(req.store.codec, req.resource.definition.printer, 200, r.obj, fmt);
}

export async function handleDeleteCollection(req: RestRequest): Promise<ApiResponse> {
  const fmt = responseFormat(req);
  const opts = parseDeleteOptions(req.ctx.body, req.ctx.headers['content-type'], req.ctx.query);
  const q = parseListQuery(req.ctx.query, req.resource.definition.fieldSelectors, false);
  const { items, revision } = await deleteCollection(req.store, writeContext(req, opts.dryRun), { namespace: req.namespace, ...q }, opts);
  return listResponse(req.store.codec, req.resource.definition.printer, { items, revision }, fmt);
}
