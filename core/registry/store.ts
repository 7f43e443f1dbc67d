/**
 * The generic REST store of one resource (kube-apiserver's registry.Store): reads here, writes in
 * store-write.ts / store-delete.ts. Objects move through it in the hub shape; the handler converts
 * to and from the request's version. Other plugins reach a store with `getStore(server, resource)`.
 */
import { qualifiedResource, statusError, type StatusError } from '../api/status';
import { decodeContinue, encodeContinue } from '../storage/continue-token';
import { isStorageError, StorageError, type KeyValue, type Storage } from '../storage/types';
import type { HasHookIndex } from '../server/hook-index';
import { Codec, type CachedObject } from './codec';
import type { FieldSelector, LabelSelector } from '../api/selectors';
import type { RegisteredResource } from './registry';
import type { KObject } from './types';
import { DEFAULT_WATCH_CACHE_OPTIONS, WatchCache, type WatchCacheOptions } from './watch-cache';

/** What the store needs from the Server. */
export interface StoreHost extends HasHookIndex {
  readonly storage: Storage;
  readonly hasStorage: boolean;
  readonly logger?: { warn(obj: unknown, msg?: string): void };
}

export interface ListRequest {
  /** '' = all namespaces */
  namespace: string;
  labelSelector?: LabelSelector;
  fieldSelector?: FieldSelector;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface ListResponse {
  items: CachedObject[];
  revision: number;
  continue?: string;
  remainingItemCount?: number;
}

/** Map a storage error to the Status the client sees (never a 500 for a client's mistake). */
export function storageStatus(err: unknown, resource: RegisteredResource, name = ''): unknown {
  if (!isStorageError(err)) return err;
  const group = resource.definition.group;
  const plural = resource.definition.names.plural;
  switch (err.code) {
    case 'NotFound':
      return statusError('NotFound', `${qualifiedResource(plural, group)} "${name}" not found`, { name, group, kind: plural });
    case 'KeyExists':
      return statusError('AlreadyExists', `${qualifiedResource(plural, group)} "${name}" already exists`, { name, group, kind: plural });
    case 'Conflict':
      return conflictError(resource, name, 'the object has been modified; please apply your changes to the latest version and try again');
    case 'Expired':
      return statusError('Expired', err.message, { group, kind: plural });
    case 'InvalidContinue':
      return statusError('BadRequest', err.message);
    case 'Unavailable':
      return statusError('ServiceUnavailable', `storage is unavailable: ${err.message}`, { retryAfterSeconds: 1 });
    default:
      if (/future revision/.test(err.message)) return statusError('Timeout', `Too large resource version: ${err.message}`, { retryAfterSeconds: 1 });
      return statusError('InternalError', `Internal error occurred: ${err.message}`);
  }
}

export function conflictError(resource: RegisteredResource, name: string, why: string): StatusError {
  const { group, names } = resource.definition;
  return statusError('Conflict', `Operation cannot be fulfilled on ${qualifiedResource(names.plural, group)} "${name}": ${why}`, {
    name,
    group,
    kind: names.plural,
  });
}

export class Store {
  readonly codec: Codec;
  readonly cache: WatchCache;

  constructor(
    readonly host: StoreHost,
    readonly resource: RegisteredResource,
    cacheOptions: WatchCacheOptions = DEFAULT_WATCH_CACHE_OPTIONS,
  ) {
    this.codec = new Codec(resource);
    this.cache = new WatchCache(this.codec, () => host.storage, cacheOptions, (err) =>
      host.logger?.warn({ err, resource: resource.qualifiedName }, 'watch cache'),
    );
  }

  get storage(): Storage {
    return this.host.storage;
  }

  get definition() {
    return this.resource.definition;
  }

  key(namespace: string, name: string): string {
    return this.resource.key(namespace, name);
  }

  prefix(namespace: string): string {
    return this.resource.definition.namespaced && namespace ? this.resource.prefix(namespace) : this.resource.prefix();
  }

  notFound(name: string): StatusError {
    return storageStatus(new StorageError('NotFound', 'not found'), this.resource, name) as StatusError;
  }

  mapError(err: unknown, name = ''): unknown {
    return storageStatus(err, this.resource, name);
  }

  /** The stored key-value (undefined if absent). */
  async getStored(namespace: string, name: string): Promise<KeyValue | undefined> {
    try {
      return await this.storage.get(this.key(namespace, name));
    } catch (err) {
      throw this.mapError(err, name);
    }
  }

  /**
   * The current object (a consistent read: from the watch cache when it is provably current, as
   * with the in-process backends, else from storage with the decoded form shared with the watch
   * cache when the revision matches). 404 when absent.
   */
  async get(namespace: string, name: string): Promise<CachedObject> {
    const obj = await this.read(namespace, name);
    if (!obj) throw this.notFound(name);
    return obj;
  }

  /** As `get`, undefined when absent. */
  async read(namespace: string, name: string): Promise<CachedObject | undefined> {
    const hit = this.cache.readConsistent(this.key(namespace, name));
    if (hit) return hit.object;
    const kv = await this.getStored(namespace, name);
    return kv && this.fromKeyValue(kv);
  }

  /** A fresh, caller-owned hub object of the current state (for read-modify-write). */
  async getForUpdate(namespace: string, name: string): Promise<{ kv: KeyValue; obj: KObject } | undefined> {
    const kv = await this.getStored(namespace, name);
    return kv && { kv, obj: this.codec.decode(kv.value, kv.modRevision) };
  }

  fromKeyValue(kv: KeyValue): CachedObject {
    const cached = this.cache.get(kv.key);
    if (cached && cached.revision === kv.modRevision) return cached;
    return this.codec.cached(kv.key, kv.value, kv.modRevision);
  }

  /** LIST: from the watch cache when it can answer, else from storage. */
  async list(req: ListRequest): Promise<ListResponse> {
    if (!this.cache.ready && this.host.hasStorage) void this.cache.start().catch(() => undefined);
    const prefix = this.prefix(req.namespace);
    const rv = req.resourceVersion ?? '';
    let cont = req.continue;
    let start = prefix;
    let atRevision: number | undefined;
    if (cont) {
      let pos;
      try {
        pos = decodeContinue(prefix, cont);
      } catch (err) {
        throw this.mapError(err);
      }
      if (this.cache.ready && pos.revision === this.cache.revision) {
        start = pos.startKey;
        atRevision = pos.revision;
        cont = undefined;
      }
    } else if (rv === '0') {
      atRevision = this.cache.ready ? this.cache.revision : undefined;
    } else if (rv === '') {
      atRevision = await this.cache.fresh();
    } else {
      const n = Number(rv);
      if (req.resourceVersionMatch === 'Exact') {
        atRevision = this.cache.ready && n === this.cache.revision ? n : undefined;
        if (atRevision === undefined) return this.listFromStorage(req, prefix, { revision: n, exact: n });
      } else {
        const ok = this.cache.ready && (await this.cache.waitFor(n, this.cache.opts.resourceVersionWaitMs));
        if (!ok) {
          if (this.cache.ready) throw statusError('Timeout', `Too large resource version: ${n}, current: ${this.cache.revision}`, { retryAfterSeconds: 1 });
        } else atRevision = this.cache.revision;
      }
    }
    if (atRevision === undefined || cont) return this.listFromStorage(req, prefix, { continue: cont });
    return this.listFromCache(req, prefix, start, atRevision);
  }

  private matches(req: ListRequest, obj: KObject): boolean {
    if (req.labelSelector && !req.labelSelector.empty && !req.labelSelector.matches(obj.metadata?.labels)) return false;
    if (req.fieldSelector && !req.fieldSelector.empty && !req.fieldSelector.matches(obj)) return false;
    return true;
  }

  private filtered(req: ListRequest): boolean {
    return !!((req.labelSelector && !req.labelSelector.empty) || (req.fieldSelector && !req.fieldSelector.empty));
  }

  private listFromCache(req: ListRequest, prefix: string, start: string, revision: number): ListResponse {
    const limit = req.limit && req.limit > 0 ? req.limit : Infinity;
    const items: CachedObject[] = [];
    let more = false;
    let remaining = 0;
    const filtered = this.filtered(req);
    const name = req.fieldSelector?.name;
    if (name !== undefined && !req.continue) {
      // metadata.name=x: one key per namespace at most
      const candidates = req.namespace || !this.definition.namespaced ? [this.cache.get(this.key(req.namespace, name))] : this.cache.snapshot(prefix).filter((o) => o.obj.metadata.name === name);
      for (const c of candidates) if (c && c.key.startsWith(prefix) && this.matches(req, c.obj)) items.push(c);
      return { items, revision };
    }
    this.cache.forEachFrom(prefix, start, (entry) => {
      if (filtered && !this.matches(req, entry.obj)) return true;
      if (items.length >= limit) {
        more = true;
        if (filtered) return false;
        remaining++;
        return true;
      }
      items.push(entry);
      return true;
    });
    const out: ListResponse = { items, revision };
    if (more && items.length > 0) {
      out.continue = encodeContinue(prefix, revision, items[items.length - 1].key);
      if (!filtered) out.remainingItemCount = remaining;
    }
    return out;
  }

  private async listFromStorage(req: ListRequest, prefix: string, at: { continue?: string; revision?: number; exact?: number }): Promise<ListResponse> {
    const limit = req.limit && req.limit > 0 ? req.limit : 0;
    const filtered = this.filtered(req);
    const items: CachedObject[] = [];
    let cont = at.continue;
    let revision = at.revision;
    let lastKey: string | undefined;
    let more = false;
    let remaining: number | undefined;
    try {
      for (;;) {
        const want = limit ? (filtered ? Math.max(limit - items.length, 100) : limit - items.length) : 0;
        const page = await this.storage.list(prefix, { limit: want, continue: cont, revision: cont ? undefined : revision });
        revision = page.revision;
        let i = 0;
        for (; i < page.items.length; i++) {
          if (limit && items.length >= limit) break;
          const kv = page.items[i];
          lastKey = kv.key;
          const entry = this.fromKeyValue(kv);
          if (!filtered || this.matches(req, entry.obj)) items.push(entry);
        }
        const leftInPage = page.items.length - i;
        if (leftInPage > 0 || (limit && items.length >= limit && page.continue)) {
          more = true;
          if (!filtered) remaining = leftInPage + (page.remainingItemCount ?? 0);
          break;
        }
        if (!page.continue) break;
        cont = page.continue;
      }
    } catch (err) {
      if (isStorageError(err, 'Expired')) {
        if (req.continue) {
          throw statusError('Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
        }
        throw statusError('Expired', `too old resource version: ${at.exact ?? revision ?? 0} (${err.compactedRevision ?? 0})`);
      }
      throw this.mapError(err);
    }
    const out: ListResponse = { items, revision: revision ?? 0 };
    if (more && lastKey !== undefined) {
      out.continue = encodeContinue(prefix, out.revision, lastKey);
      if (remaining !== undefined) out.remainingItemCount = remaining;
    }
    return out;
  }
}

// ---------------------------------------------------------------- store registry

const stores = new WeakMap<object, Map<RegisteredResource, Store>>();
const cacheOptionsByHost = new WeakMap<object, WatchCacheOptions>();

/** Set the watch cache sizing of a server's stores (the REST plugin's options). */
export function configureStores(host: StoreHost, options: Partial<WatchCacheOptions>): void {
  cacheOptionsByHost.set(host, { ...DEFAULT_WATCH_CACHE_OPTIONS, ...options });
}

/** The store of a registered resource (created on first use; one per server and resource). */
export function getStore(host: StoreHost, resource: RegisteredResource): Store {
  let m = stores.get(host);
  if (!m) stores.set(host, (m = new Map()));
  let s = m.get(resource);
  if (!s) m.set(resource, (s = new Store(host, resource, cacheOptionsByHost.get(host))));
  return s;
}

/** Every store created so far for a server. */
export function allStores(host: StoreHost): Store[] {
  return [...(stores.get(host)?.values() ?? [])];
}

/** Forget a store (its resource was unregistered): its watch cache stops. */
export function dropStore(host: StoreHost, resource: RegisteredResource): void {
  const m = stores.get(host);
  const s = m?.get(resource);
  if (s) {
    s.cache.stop();
    m!.delete(resource);
  }
}
