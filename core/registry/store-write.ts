/**
 * Writes of the generic store: create and the GuaranteedUpdate loop that update, patch, /status,
 * /scale and finalizer removal share. The strategy hooks and admission run here, in the order of
 * the architecture (§2): defaults -> mutating admission -> prepareForCreate/Update -> system
 * metadata -> validation (all errors, 422) -> validating admission -> storage.
 */
import { invalidError, fieldForbidden } from '../api/field-errors';
import { generateName, newUid, rfc3339 } from '../api/meta';
import { statusError } from '../api/status';
import { validateObjectMeta } from '../api/validation';
import type { RequestContext } from '../pipeline/types';
import { isStorageError } from '../storage/types';
import { cloneObject } from './codec';
import { getApiHooks, getResourceRegistry } from './registry';
import { conflictError, getStore, type Store } from './store';
import type { AdmissionAttributes, FieldError, KObject } from './types';

/** The request a write belongs to. */
export interface WriteContext {
  ctx: RequestContext;
  dryRun: boolean;
  /** the request's version (admission attributes) */
  version: string;
  /** '' for the main resource, `status`, `scale` ... */
  subresource: string;
}

/** tries of the GuaranteedUpdate loop before a storage conflict becomes 409 */
const MAX_UPDATE_ATTEMPTS = 16;
/** tries to find a free generated name */
const MAX_GENERATE_ATTEMPTS = 8;

export function admissionAttributes(
  store: Store,
  wc: WriteContext,
  operation: AdmissionAttributes['operation'],
  object: KObject | undefined,
  oldObject: KObject | undefined,
): AdmissionAttributes {
  const def = store.definition;
  const meta = (object ?? oldObject)?.metadata ?? {};
  return {
    operation,
    resource: { group: def.group, version: wc.version, resource: def.names.plural },
    subresource: wc.subresource,
    kind: { group: def.group, version: wc.version, kind: def.names.kind },
    namespace: meta.namespace ?? '',
    name: meta.name ?? '',
    object,
    oldObject,
    dryRun: wc.dryRun,
    ctx: wc.ctx,
    definition: def,
  };
}

function ensureMeta(obj: KObject): void {
  if (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata)) obj.metadata = {};
}

function throwIfInvalid(store: Store, name: string, errs: FieldError[]): void {
  if (errs.length > 0) throw invalidError(store.definition.names.kind, store.definition.group, name, errs);
}

/**
 * Create in a missing namespace is 404 `namespaces "x" not found`, in a terminating one 403
 * Forbidden (kube-apiserver's NamespaceLifecycle), once namespaces are served.
 */
export async function ensureNamespace(store: Store, namespace: string | undefined, name = ''): Promise<void> {
  if (!store.definition.namespaced || !namespace) return;
  const nsResource = getResourceRegistry(store.host).get('', 'namespaces');
  if (!nsResource || nsResource === store.resource) return;
  const nsStore = getStore(store.host, nsResource);
  const key = nsResource.key('', namespace);
  let ns = nsStore.cache.ready ? nsStore.cache.get(key)?.obj : undefined;
  if (!ns) {
    const kv = await store.storage.get(key).catch((err: unknown) => {
      throw store.mapError(err, namespace);
    });
    if (!kv) throw statusError('NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' });
    ns = nsStore.codec.decode(kv.value, kv.modRevision);
  }
  if (ns.metadata?.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating') {
    const message = `unable to create new content in namespace ${namespace} because it is being terminated`;
    const { group, names } = store.definition;
    throw statusError('Forbidden', `${names.plural}${group ? `.${group}` : ''} "${name}" is forbidden: ${message}`, {
      name,
      group,
      kind: names.plural,
      causes: [{ reason: 'NamespaceTerminating', message, field: 'metadata.namespace' }],
    });
  }
}

/** Create a hub object (owned by the store from here on). Returns it with resourceVersion set. */
export async function createObject(store: Store, wc: WriteContext, input: KObject): Promise<KObject> {
  const def = store.definition;
  const hooks = store.resource.hooks;
  const api = getApiHooks(store.host);
  let obj = input;
  ensureMeta(obj);
  if (def.subresources?.status) delete obj.status;
  hooks.defaults.call(obj);
  const attrs = admissionAttributes(store, wc, 'CREATE', obj, undefined);
  await api.mutatingAdmission.promise(attrs);
  obj = attrs.object ?? obj;
  ensureMeta(obj);
  hooks.prepareForCreate.call(obj, wc.ctx);

  const meta = obj.metadata;
  for (const k of ['resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink'] as const) delete meta[k];
  meta.uid = newUid();
  meta.creationTimestamp = rfc3339();
  if (def.generation === 'none') delete meta.generation;
  else meta.generation = 1;
  const generated = (meta.name === undefined || meta.name === '') && typeof meta.generateName === 'string' && meta.generateName !== '';
  if (generated) meta.name = generateName(meta.generateName as string);

  const errs = validateObjectMeta(meta, { namespaced: def.namespaced, nameValidation: def.nameValidation });
  hooks.validate.call(obj, errs, wc.ctx);
  throwIfInvalid(store, String(meta.name ?? ''), errs);
  await api.validatingAdmission.promise(admissionAttributes(store, wc, 'CREATE', obj, undefined));
  await ensureNamespace(store, meta.namespace, String(meta.name ?? ''));
  if (wc.dryRun) return obj;

  for (let attempt = 1; ; attempt++) {
    try {
      const kv = await store.storage.create(store.key(meta.namespace ?? '', meta.name as string), store.codec.encode(obj));
      meta.resourceVersion = String(kv.modRevision);
      break;
    } catch (err) {
      if (generated && isStorageError(err, 'KeyExists') && attempt < MAX_GENERATE_ATTEMPTS) {
        meta.name = generateName(meta.generateName as string);
        continue;
      }
      throw store.mapError(err, meta.name as string);
    }
  }
  hooks.afterWrite.call(obj, 'CREATE');
  return obj;
}

export interface UpdateSpec {
  namespace: string;
  name: string;
  /**
   * Compute the new hub object from a caller-owned copy of the current one. Throw a StatusError to
   * refuse (a resourceVersion precondition is 409 Conflict here).
   */
  tryUpdate(current: KObject): KObject | Promise<KObject>;
  /** apply-patch: build the object to create when none exists (201) */
  createIfMissing?: () => KObject | Promise<KObject>;
}

export interface UpdateResult {
  obj: KObject;
  created: boolean;
  /** the last finalizer went away: the object was deleted */
  deleted: boolean;
}

/** The 409 of a stale metadata.resourceVersion in a PUT or PATCH body. */
export function checkResourceVersion(store: Store, obj: KObject, current: KObject): void {
  const rv = obj.metadata?.resourceVersion;
  if (rv !== undefined && rv !== null && rv !== '' && rv !== current.metadata.resourceVersion) {
    throw conflictError(store.resource, current.metadata.name ?? '', 'the object has been modified; please apply your changes to the latest version and try again');
  }
}

/** GuaranteedUpdate: read, compute, write with CAS; retry on storage conflicts. */
export async function updateObject(store: Store, wc: WriteContext, spec: UpdateSpec): Promise<UpdateResult> {
  for (let attempt = 1; ; attempt++) {
    const cur = await store.getForUpdate(spec.namespace, spec.name);
    if (!cur) {
      if (!spec.createIfMissing) throw store.notFound(spec.name);
      try {
        return { obj: await createObject(store, wc, await spec.createIfMissing()), created: true, deleted: false };
      } catch (err) {
        if ((err as { reason?: string }).reason === 'AlreadyExists' && attempt < MAX_UPDATE_ATTEMPTS) continue;
        throw err;
      }
    }
    const old = cur.obj;
    const next = await spec.tryUpdate(cloneObject(old));
    const { obj, action } = await finalizeUpdate(store, wc, next, old);
    if (action === 'noop') return { obj: old, created: false, deleted: false };
    if (wc.dryRun) {
      obj.metadata.resourceVersion = old.metadata.resourceVersion;
      return { obj, created: false, deleted: action === 'delete' };
    }
    try {
      if (action === 'delete') {
        const kv = await store.storage.delete(cur.kv.key, cur.kv.modRevision);
        obj.metadata.resourceVersion = String(kv.modRevision);
        store.resource.hooks.afterWrite.call(obj, 'DELETE');
        return { obj, created: false, deleted: true };
      }
      const value = store.codec.encode(obj);
      if (value === cur.kv.value) return { obj: old, created: false, deleted: false };
      const kv = await store.storage.update(cur.kv.key, value, cur.kv.modRevision);
      obj.metadata.resourceVersion = String(kv.modRevision);
    } catch (err) {
      if ((isStorageError(err, 'Conflict') || isStorageError(err, 'NotFound')) && attempt < MAX_UPDATE_ATTEMPTS) continue;
      throw store.mapError(err, spec.name);
    }
    store.resource.hooks.afterWrite.call(obj, 'UPDATE');
    return { obj, created: false, deleted: false };
  }
}

/** Deep equality of JSON values (key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], bb[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  if (ak.length !== bk.length) return false;
  for (const k of ak) if (!jsonEqual(ao[k], bo[k])) return false;
  return true;
}

function generationChanged(store: Store, obj: KObject, old: KObject): boolean {
  const mode = store.definition.generation ?? 'spec';
  if (mode === 'spec') return !jsonEqual(obj.spec, old.spec);
  const skip = new Set(['apiVersion', 'kind', 'metadata', ...(store.definition.subresources?.status ? ['status'] : [])]);
  const keys = new Set([...Object.keys(obj), ...Object.keys(old)]);
  for (const k of keys) if (!skip.has(k) && !jsonEqual(obj[k], old[k])) return true;
  return false;
}

/** Carry over what only the server sets, run the update strategy and admission, decide the action. */
async function finalizeUpdate(store: Store, wc: WriteContext, input: KObject, old: KObject): Promise<{ obj: KObject; action: 'update' | 'delete' | 'noop' }> {
  const def = store.definition;
  const hooks = store.resource.hooks;
  const api = getApiHooks(store.host);
  let obj = input;
  ensureMeta(obj);
  const oldMeta = old.metadata;
  const uid = obj.metadata.uid;
  if (uid !== undefined && uid !== null && uid !== '' && uid !== oldMeta.uid) {
    throw conflictError(store.resource, oldMeta.name ?? '', `Precondition failed: UID in precondition: ${String(uid)}, UID in object meta: ${oldMeta.uid ?? ''}`);
  }
  if (wc.subresource === 'status') {
    const status = obj.status;
    obj = cloneObject(old);
    if (status === undefined) delete obj.status;
    else obj.status = status;
  } else if (def.subresources?.status && wc.subresource === '') {
    if (old.status === undefined) delete obj.status;
    else obj.status = cloneObject(old.status);
  }
  hooks.defaults.call(obj);
  const attrs = admissionAttributes(store, wc, 'UPDATE', obj, old);
  await api.mutatingAdmission.promise(attrs);
  obj = attrs.object ?? obj;
  ensureMeta(obj);
  hooks.prepareForUpdate.call(obj, old, wc.ctx);

  const meta = obj.metadata;
  meta.name = oldMeta.name;
  if (def.namespaced) meta.namespace = oldMeta.namespace;
  else delete meta.namespace;
  meta.uid = oldMeta.uid;
  meta.creationTimestamp = oldMeta.creationTimestamp;
  for (const k of ['deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const) {
    if (oldMeta[k] === undefined) delete meta[k];
    else (meta as Record<string, unknown>)[k] = oldMeta[k];
  }
  delete meta.selfLink;
  if (def.generation !== 'none' && generationChanged(store, obj, old)) meta.generation = (oldMeta.generation ?? 0) + 1;

  const errs: FieldError[] = validateObjectMeta(meta, { namespaced: def.namespaced, nameValidation: def.nameValidation });
  if (oldMeta.deletionTimestamp) {
    const before = new Set(oldMeta.finalizers ?? []);
    const added = (Array.isArray(meta.finalizers) ? meta.finalizers : []).filter((f) => !before.has(f)).sort();
    if (added.length > 0) {
      errs.push(fieldForbidden('metadata.finalizers', `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`));
    }
  }
  hooks.validate.call(obj, errs, wc.ctx);
  hooks.validateUpdate.call(obj, old, errs, wc.ctx);
  throwIfInvalid(store, meta.name ?? '', errs);
  await api.validatingAdmission.promise(admissionAttributes(store, wc, 'UPDATE', obj, old));

  const finalizers = Array.isArray(meta.finalizers) ? meta.finalizers : [];
  if (finalizers.length === 0) delete meta.finalizers;
  if (meta.deletionTimestamp && finalizers.length === 0 && (meta.deletionGracePeriodSeconds ?? 0) === 0) {
    return { obj, action: 'delete' };
  }
  return { obj, action: 'update' };
}
