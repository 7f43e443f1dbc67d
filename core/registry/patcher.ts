/**
 * The store's door to the patch engines: core/api/patch `applyPatch(contentType, live, body, opts)`
 * when that module is built, else a small built-in fallback (RFC 6902 JSON patch, RFC 7386 merge
 * patch; strategic and apply patches treated as merges with the directives stripped).
 */
import * as jsonpatch from 'fast-json-patch';
import YAML from 'yaml';
import { statusError, StatusError } from '../api/status';
import { cloneObject } from './codec';
import type { KObject } from './types';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';
const APPLY_PATCH_CBOR = 'application/apply-patch+cbor';

export interface PatchOptions {
  /** the resource's strategic-merge-patch schema; undefined = SMP is 415 (CRDs) */
  schema?: unknown;
  fieldManager?: string;
  force?: boolean;
  subresource?: string;
  /** apiVersion and kind of the object being patched */
  apiVersion: string;
  kind: string;
}

type Engine = (contentType: string, live: KObject | undefined, body: Buffer, opts: Record<string, unknown>) => unknown;
type RecordUpdate = (opts: Record<string, unknown>) => { object: unknown };

let engine: Engine | null | undefined;
let recorder: RecordUpdate | null | undefined;

function loadEngine(): Engine | null {
  if (engine !== undefined) return engine;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('../api/patch') as { applyPatch?: Engine; recordUpdate?: RecordUpdate };
    engine = typeof mod.applyPatch === 'function' ? mod.applyPatch : null;
    recorder = typeof mod.recordUpdate === 'function' ? mod.recordUpdate : null;
  } catch {
    engine = null;
    recorder = null;
  }
  return engine;
}

/**
 * managedFields for a create or update by `fieldManager` (an `Update` operation), through
 * core/api/patch's recordUpdate; the object unchanged when that engine is not built.
 */
export function trackUpdate(old: KObject | undefined, updated: KObject, fieldManager: string, opts: { schema?: unknown; apiVersion: string; subresource?: string }): KObject {
  loadEngine();
  if (!recorder) return updated;
  const res = recorder({ old, updated, manager: fieldManager, apiVersion: opts.apiVersion, schema: opts.schema, subresource: opts.subresource || undefined });
  const obj = res?.object;
  return typeof obj === 'object' && obj !== null && !Array.isArray(obj) ? (obj as KObject) : updated;
}

/** Force the built-in fallback (tests) or re-detect the engine. */
export function usePatchEngine(e: Engine | null | undefined): void {
  engine = e;
  if (e === undefined) recorder = undefined;
}

export function supportedPatchTypes(schema: unknown): string[] {
  return [JSON_PATCH, MERGE_PATCH, ...(schema ? [STRATEGIC_PATCH] : []), APPLY_PATCH];
}

function unsupported(schema: unknown): StatusError {
  return statusError('UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${supportedPatchTypes(schema).join(', ')}`);
}

/** Check the patch media type before anything is read (415 for unknown ones). */
export function checkPatchType(contentType: string, schema: unknown): void {
  if (contentType === JSON_PATCH || contentType === MERGE_PATCH || contentType === APPLY_PATCH || contentType === APPLY_PATCH_CBOR) return;
  if (contentType === STRATEGIC_PATCH && schema) return;
  throw unsupported(schema);
}

/** Apply a patch to `live` (the current object in the request's version; undefined = apply-create). */
export async function applyPatchTo(contentType: string, live: KObject | undefined, body: Buffer, opts: PatchOptions): Promise<KObject> {
  checkPatchType(contentType, opts.schema);
  const ext = loadEngine();
  let result: unknown;
  if (ext) {
    try {
      result = await ext(contentType, live, body, { ...opts });
    } catch (err) {
      if (err instanceof StatusError) throw err;
      if (err && typeof err === 'object' && 'status' in err && (err as { status?: { kind?: string } }).status?.kind === 'Status') throw err;
      throw statusError('BadRequest', `the patch could not be applied: ${(err as Error).message ?? String(err)}`);
    }
    if (result && typeof result === 'object' && !('metadata' in result) && 'object' in result) result = (result as { object: unknown }).object;
  } else {
    result = fallbackPatch(contentType, live, body);
  }
  if (typeof result !== 'object' || result === null || Array.isArray(result)) {
    throw statusError('BadRequest', 'the patch did not produce an object');
  }
  return result as KObject;
}

function parseJson(body: Buffer, what: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw statusError('BadRequest', `error decoding patch: ${what}: ${(err as Error).message}`);
  }
}

function fallbackPatch(contentType: string, live: KObject | undefined, body: Buffer): unknown {
  const base = live ? cloneObject(live) : {};
  switch (contentType) {
    case JSON_PATCH: {
      const ops = parseJson(body, 'json patch');
      if (!Array.isArray(ops)) throw statusError('BadRequest', 'error decoding patch: a JSON patch must be a list of operations');
      try {
        return jsonpatch.applyPatch(base, ops as jsonpatch.Operation[], true, true).newDocument;
      } catch (err) {
        const e = err as { name?: string; message?: string };
        if (e.name === 'TEST_OPERATION_FAILED') throw statusError('Invalid', `the server rejected our request due to an error in our request: testing value failed`);
        throw statusError('Invalid', `the server rejected our request due to an error in our request: ${(e.message ?? String(err)).split('\n')[0]}`);
      }
    }
    case MERGE_PATCH:
    case STRATEGIC_PATCH: {
      const patch = parseJson(body, contentType === MERGE_PATCH ? 'merge patch' : 'strategic merge patch');
      if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw statusError('BadRequest', 'error decoding patch: the patch must be an object');
      return mergePatch(base, contentType === STRATEGIC_PATCH ? stripDirectives(patch) : patch);
    }
    case APPLY_PATCH: {
      let applied: unknown;
      try {
        applied = YAML.parse(body.toString('utf8'));
      } catch (err) {
        throw statusError('BadRequest', `error decoding YAML: ${(err as Error).message}`);
      }
      if (typeof applied !== 'object' || applied === null || Array.isArray(applied)) throw statusError('BadRequest', 'the applied configuration must be an object');
      return mergePatch(base, applied);
    }
    default:
      throw unsupported(undefined);
  }
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = stripDirectives(x);
  return out;
}
