/**
 * The /status and /scale subresources. /status reads the object and writes only .status (the
 * store takes the rest from the stored object); /scale serves an autoscaling/v1 Scale built from
 * the resource's ScaleSubresource paths (GET, PUT with or without Content-Type, PATCH).
 */
import { checkTypeMeta, decodeBody } from '../api/decode';
import { fieldInvalid, invalidError } from '../api/field-errors';
import { reconcileName, reconcileNamespace } from '../api/meta';
import { requestMediaType } from '../api/negotiate';
import { parseDryRun } from '../api/options';
import { labelSelectorFromObject } from '../api/selectors';
import type { ApiResponse } from '../pipeline/types';
import { handleGet } from './handler';
import { handlePatch, handleUpdate, writeContext } from './handler-write';
import { APPLY_PATCH, JSON_PATCH, MERGE_PATCH, STRATEGIC_PATCH, applyPatchTo, mergePatch } from './patcher';
import { methodNotAllowed, type RestRequest } from './rest-request';
import { statusError } from '../api/status';
import { checkResourceVersion, updateObject } from './store-write';
import type { KObject, ScaleSubresource } from './types';

export const SCALE_API_VERSION = 'autoscaling/v1';

export async function handleStatus(req: RestRequest): Promise<ApiResponse> {
  switch (req.verb) {
    case 'get':
      return handleGet(req);
    case 'update':
      return handleUpdate(req);
    case 'patch':
      return handlePatch(req);
    default:
      throw methodNotAllowed(req);
  }
}

function pathOf(path: string): string[] {
  return path.replace(/^\./, '').split('.').filter((p) => p !== '');
}

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const p of pathOf(path)) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = pathOf(path);
  let cur = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = cur[parts[i]];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) cur[parts[i]] = {};
    cur = cur[parts[i]] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}

/** The autoscaling/v1 Scale of an object. */
export function toScale(obj: KObject, scale: ScaleSubresource): KObject {
  const meta = obj.metadata;
  const specReplicas = getPath(obj, scale.specReplicasPath);
  const statusReplicas = getPath(obj, scale.statusReplicasPath);
  const status: Record<string, unknown> = { replicas: typeof statusReplicas === 'number' ? statusReplicas : 0 };
  if (scale.labelSelectorPath) {
    const sel = getPath(obj, scale.labelSelectorPath);
    const selector = typeof sel === 'string' ? sel : labelSelectorFromObject(sel)?.toString();
    if (selector) status.selector = selector;
  }
  const metadata: Record<string, unknown> = { name: meta.name };
  if (meta.namespace) metadata.namespace = meta.namespace;
  for (const k of ['uid', 'resourceVersion', 'creationTimestamp'] as const) if (meta[k] !== undefined) metadata[k] = meta[k];
  return {
    kind: 'Scale',
    apiVersion: SCALE_API_VERSION,
    metadata,
    spec: { replicas: typeof specReplicas === 'number' ? specReplicas : 0 },
    status,
  };
}

function scaleJson(status: number, scale: KObject): ApiResponse {
  return { status, headers: { 'Content-Type': 'application/json' }, body: Buffer.from(JSON.stringify(scale)) };
}

/** A Scale from a client: autoscaling/v1, name from the URL, spec.replicas a non-negative integer. */
function checkScale(req: RestRequest, scale: Record<string, unknown>): { replicas: number; resourceVersion?: string } {
  checkTypeMeta(scale, [SCALE_API_VERSION], 'Scale');
  const obj = scale as KObject;
  if (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata)) obj.metadata = {};
  reconcileName(obj, req.name);
  reconcileNamespace(obj, req.namespace, req.resource.definition.namespaced);
  const spec = obj.spec as { replicas?: unknown } | undefined;
  const replicas = spec && typeof spec === 'object' ? spec.replicas ?? 0 : 0;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw invalidError('Scale', 'autoscaling', req.name, [fieldInvalid('spec.replicas', replicas, 'must be greater than or equal to 0')]);
  }
  const rv = obj.metadata.resourceVersion;
  return { replicas, resourceVersion: typeof rv === 'string' && rv !== '' ? rv : undefined };
}

async function writeScale(req: RestRequest, compute: (current: KObject) => Promise<{ replicas: number; resourceVersion?: string }>): Promise<ApiResponse> {
  const scaleDef = req.resource.definition.subresources!.scale!;
  const dryRun = parseDryRun(req.ctx.query.getAll('dryRun'));
  const result = await updateObject(req.store, writeContext(req, dryRun), {
    namespace: req.namespace,
    name: req.name,
    tryUpdate: async (current) => {
      const wanted = await compute(current);
      checkResourceVersion(req.store, { metadata: { resourceVersion: wanted.resourceVersion } }, current);
      setPath(current, scaleDef.specReplicasPath, wanted.replicas);
      return current;
    },
  });
  return scaleJson(200, toScale(result.obj, scaleDef));
}

export async function handleScale(req: RestRequest): Promise<ApiResponse> {
  const scaleDef = req.resource.definition.subresources!.scale!;
  switch (req.verb) {
    case 'get': {
      const entry = await req.store.get(req.namespace, req.name);
      return scaleJson(200, toScale(entry.obj, scaleDef));
    }
    case 'update': {
      const { obj } = decodeBody(req.ctx.body, req.ctx.headers['content-type']);
      const wanted = checkScale(req, obj);
      return writeScale(req, async () => wanted);
    }
    case 'patch': {
      const contentType = requestMediaType(req.ctx.headers['content-type']);
      if (![JSON_PATCH, MERGE_PATCH, STRATEGIC_PATCH, APPLY_PATCH].includes(contentType)) {
        throw statusError('UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${[JSON_PATCH, MERGE_PATCH, STRATEGIC_PATCH, APPLY_PATCH].join(', ')}`);
      }
      return writeScale(req, async (current) => {
        const live = toScale(current, scaleDef);
        let patched: KObject;
        if (contentType === JSON_PATCH || contentType === MERGE_PATCH) {
          patched = await applyPatchTo(contentType, live, req.ctx.body, { apiVersion: SCALE_API_VERSION, kind: 'Scale', subresource: 'scale' });
        } else {
          // a Scale has no lists: strategic and apply patches are merges
          const { obj } = decodeBody(req.ctx.body, contentType === APPLY_PATCH ? 'application/yaml' : 'application/json');
          patched = mergePatch(live, obj) as KObject;
        }
        return checkScale(req, patched as Record<string, unknown>);
      });
    }
    default:
      throw methodNotAllowed(req);
  }
}
