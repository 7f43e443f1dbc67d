/**
 * PATCH dispatch: the four patch content types kubectl and client-node send (kubectl-surface §6).
 *
 * The caller (the registry's PATCH handler) is expected to:
 * 1. `validatePatchOptions` — fieldManager required for apply (422, as the apiserver), `force` only
 *    with apply;
 * 2. `parsePatchBody` once, and compare `extractResourceVersionPrecondition(body)` with the live
 *    resourceVersion (409 Conflict on mismatch);
 * 3. 404 a missing object for every type but apply, which creates it (201);
 * 4. `applyPatch`, then run admission/validation/storage on the result.
 */
import { parse as parseYaml } from 'yaml';
import { statusError } from '../status';
import { GENERIC_PATCH_SCHEMA } from './builtin-schema';
import { applyJsonPatch } from './json-patch';
import { applyMergePatch } from './merge-patch';
import type { PatchSchema } from './schema';
import { applyServerSide, fieldManagerRequiredError, recordUpdate, type ManagedFieldsEntry } from './server-side-apply';
import { applyStrategicMergePatch } from './strategic-merge';
import { isObject, rfc3339, type JsonObject } from './util';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

export const PATCH_CONTENT_TYPES = [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH] as const;
export type PatchContentType = (typeof PATCH_CONTENT_TYPES)[number];

export interface ApplyPatchOptions {
  /** The kind's patch schema; undefined means strategic merge patch is not supported (custom resources). */
  schema?: PatchSchema;
  /** Schema for server-side apply when `schema` is undefined (e.g. from a CRD's list types). */
  applySchema?: PatchSchema;
  /** fieldManager: required for apply; for other types the writer recorded as an Update manager (none: no tracking). */
  fieldManager?: string;
  force?: boolean;
  /** apiVersion recorded on managedFields entries (default: the object's). */
  apiVersion?: string;
  /** Time recorded on managedFields entries (default: now). */
  now?: string;
  subresource?: string;
  /** Top-level fields this endpoint ignores for ownership (default ['status']). */
  resetFields?: readonly string[];
}

export interface PatchOutcome {
  object: JsonObject;
  /** Present when managed fields were tracked (apply, or a fieldManager was given). */
  managedFields?: ManagedFieldsEntry[];
  /** Apply created the object (reply 201). */
  created: boolean;
}

/** The media type without parameters, lower-cased: `application/merge-patch+json; charset=utf-8` → `application/merge-patch+json`. */
export function normalizeContentType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

function accepted(strategic: boolean): string {
  const types = strategic ? [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH] : [JSON_PATCH, MERGE_PATCH, APPLY_PATCH];
  return `the body of the request was in an unknown format - accepted media types include: ${types.join(', ')}`;
}

/** Resolve a request's Content-Type to a patch type, or throw 415 UnsupportedMediaType. */
export function patchTypeOf(contentType: string | undefined, strategicSupported = true): PatchContentType {
  const type = normalizeContentType(contentType);
  if (type === STRATEGIC_MERGE_PATCH && !strategicSupported) throw statusError('UnsupportedMediaType', accepted(false));
  if ((PATCH_CONTENT_TYPES as readonly string[]).includes(type)) return type as PatchContentType;
  throw statusError('UnsupportedMediaType', accepted(strategicSupported));
}

/** PatchOptions checks of the apiserver (`ValidatePatchOptions`): 422 Invalid. */
export function validatePatchOptions(contentType: string | undefined, opts: { fieldManager?: string; force?: boolean }): void {
  const apply = normalizeContentType(contentType) === APPLY_PATCH;
  if (apply && !opts.fieldManager) throw fieldManagerRequiredError();
  if (!apply && opts.force !== undefined) {
    throw statusError('Invalid', 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch', {
      group: 'meta.k8s.io',
      kind: 'PatchOptions',
      causes: [{ reason: 'FieldValueForbidden', message: 'Forbidden: may not be specified for non-apply patch', field: 'force' }],
    });
  }
}

/** Decode a patch body: YAML (JSON is a subset) for apply, JSON otherwise. Malformed → 400 BadRequest. */
export function parsePatchBody(contentType: string | undefined, body: Buffer | string): unknown {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  const type = normalizeContentType(contentType);
  try {
    if (type === APPLY_PATCH) return parseYaml(text, { version: '1.1' }) as unknown;
    return JSON.parse(text) as unknown;
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw statusError('BadRequest', `error decoding patch: ${why}`);
  }
}

/**
 * The resourceVersion a patch body asks for, if any: `metadata.resourceVersion` of a merge, strategic
 * or apply body; for a JSON patch the value of the last add/replace/test of `/metadata/resourceVersion`.
 * The caller answers a mismatch with 409 Conflict. Empty strings are no precondition.
 */
export function extractResourceVersionPrecondition(patchBody: unknown): string | undefined {
  let rv: unknown;
  if (Array.isArray(patchBody)) {
    for (const op of patchBody) {
      if (isObject(op) && op.path === '/metadata/resourceVersion' && ['add', 'replace', 'test'].includes(op.op as string)) {
        rv = op.value;
      }
    }
  } else if (isObject(patchBody) && isObject(patchBody.metadata)) {
    rv = Object.prototype.hasOwnProperty.call(patchBody.metadata, 'resourceVersion') ? patchBody.metadata.resourceVersion : undefined;
  }
  return typeof rv === 'string' && rv !== '' ? rv : undefined;
}

/**
 * Apply a PATCH body to the live object. `live` undefined is only valid for apply (creation); for the
 * other types it is a 404 the caller should have answered with the resource's name.
 */
export function applyPatch(contentType: string | undefined, live: object | undefined, body: Buffer | string, opts: ApplyPatchOptions = {}): PatchOutcome {
  const type = patchTypeOf(contentType, opts.schema !== undefined);
  const patch = parsePatchBody(type, body);
  const now = opts.now ?? rfc3339();
  const apiVersionOf = (o: unknown) => (isObject(o) && typeof o.apiVersion === 'string' ? o.apiVersion : '');

  if (type === APPLY_PATCH) {
    validatePatchOptions(type, opts);
    const res = applyServerSide({
      live,
      applied: patch,
      manager: opts.fieldManager as string,
      force: opts.force ?? false,
      apiVersion: opts.apiVersion ?? (apiVersionOf(live) || apiVersionOf(patch)),
      schema: opts.schema ?? opts.applySchema ?? GENERIC_PATCH_SCHEMA,
      now,
      subresource: opts.subresource,
      resetFields: opts.resetFields,
    });
    return { object: res.object, managedFields: res.managedFields, created: live === undefined };
  }

  if (live === undefined) throw statusError('NotFound', 'the object to patch does not exist');
  let object: unknown;
  if (type === JSON_PATCH) {
    object = applyJsonPatch(live, patch);
  } else {
    if (!isObject(patch)) throw statusError('BadRequest', 'error decoding patch: the patch must be a JSON object');
    object = type === MERGE_PATCH ? applyMergePatch(live, patch) : applyStrategicMergePatch(live, patch, opts.schema as PatchSchema);
  }
  if (!isObject(object)) throw statusError('BadRequest', 'the patched object is not a JSON object');
  if (!opts.fieldManager) return { object, created: false };
  const res = recordUpdate({
    old: live,
    updated: object,
    manager: opts.fieldManager,
    apiVersion: opts.apiVersion ?? apiVersionOf(object),
    now,
    schema: opts.schema ?? opts.applySchema,
    subresource: opts.subresource,
    resetFields: opts.resetFields,
  });
  return { object: res.object, managedFields: res.managedFields, created: false };
}

export { applyJsonPatch, validateJsonPatch, MAX_JSON_PATCH_OPERATIONS } from './json-patch';
export type { JsonPatchOperation } from './json-patch';
export { applyMergePatch } from './merge-patch';
export { applyStrategicMergePatch } from './strategic-merge';
export { applyServerSide, recordUpdate, printManager, fieldManagerRequiredError, BEFORE_FIRST_APPLY } from './server-side-apply';
export type { ManagedFieldsEntry, ManagedResult, ServerSideApplyOptions, RecordUpdateOptions } from './server-side-apply';
export { builtinPatchSchema, BUILTIN_PATCH_KINDS, GENERIC_PATCH_SCHEMA, objectMetaFields, podSpecFields, podTemplateFields } from './builtin-schema';
export { definePatchSchema, mergePatchSchemas, EMPTY_PATCH_SCHEMA } from './schema';
export { patchSchemaFromOpenAPI } from './openapi-schema';
export type { FieldPatchMeta, PatchSchema, PatchStrategy } from './schema';
export { FieldSet, formatPath } from './fieldset';
