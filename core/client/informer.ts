/**
 * Shared informers: list + watch one resource into a local cache, relist when the watch is
 * refused as too old (410 Expired/Gone, as an HTTP status or an ERROR event), re-watch from the
 * last resourceVersion when a watch simply ends, periodic resync, indexers (namespace, owner uid,
 * controller uid), and add/update/delete handlers. One informer per GVR (and selector) is shared by
 * every controller of a manager through the SharedInformerFactory (informer-factory.ts); object
 * keys are made by object-keys.ts.
 */
import { StatusError } from '../api/status';
import type { KObject } from '../registry/types';
import { isStatus } from './client';
import { controllerRefOf, gvrId, keyOf } from './object-keys';
import type { Client, GVR, WatchEvent } from './types';

export { controllerRefOf, keyOf, splitKey } from './object-keys';

/** Index name: objects by metadata.namespace. */
export const NAMESPACE_INDEX = 'namespace';
/** Index name: objects by the uid of their controller ownerReference (controller: true). */
export const CONTROLLER_UID_INDEX = 'controllerUid';
/** Index name: objects by the uid of every ownerReference. */
export const OWNER_UID_INDEX = 'ownerUid';

export type IndexFunc<T extends KObject = KObject> = (obj: T) => string[];

/** Minimal logger (pino's Logger fits). */
export interface ClientLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const silentLogger: ClientLogger = { debug: () => undefined, warn: () => undefined, error: () => undefined };

export interface EventHandler<T extends KObject = KObject> {
  /** a new object (or one seen by the first list: `initialList` true) */
  add?(obj: T, initialList: boolean): void;
  /** a changed object; on a resync `oldObj === newObj` */
  update?(oldObj: T, newObj: T): void;
  /** a deleted object (its last known state; `finalStateUnknown` when the delete was found by a relist) */
  delete?(obj: T, finalStateUnknown: boolean): void;
}

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** resync period: every handler gets update(obj, obj) for every object; 0 = never */
  resyncMs?: number;
}

/** A read-only view of an informer's cache. */
export interface Lister<T extends KObject = KObject> {
  /** by key (`ns/name` or `name`) */
  get(key: string): T | undefined;
  /** every object, or those of one namespace */
  list(namespace?: string): T[];
  /** objects whose index `indexName` contains `value` */
  byIndex(indexName: string, value: string): T[];
  keys(): string[];
}

export class SharedInformer<T extends KObject = KObject> implements Lister<T> {
  private readonly items = new Map<string, T>();
  private readonly indexers = new Map<string, IndexFunc<T>>();
  private readonly indices = new Map<string, Map<string, Set<string>>>();
  private readonly handlers: EventHandler<T>[] = [];
  private synced = false;
  private syncWaiters: Array<() => void> = [];
  private started = false;
  private lastResourceVersion = '';
  private resyncTimer?: NodeJS.Timeout;
  private relists = 0;
  private transform?: (obj: T) => T;

  constructor(
    private readonly client: Client,
    readonly gvr: GVR,
    readonly options: InformerOptions = {},
    private readonly logger: ClientLogger = silentLogger,
  ) {
    this.addIndexer(NAMESPACE_INDEX, (o) => [o.metadata.namespace ?? '']);
    this.addIndexer(CONTROLLER_UID_INDEX, (o) => {
      const ref = controllerRefOf(o);
      return ref ? [ref.uid] : [];
    });
    this.addIndexer(OWNER_UID_INDEX, (o) => (o.metadata.ownerReferences ?? []).map((r) => r.uid));
  }

  /** How many times the informer listed from scratch (1 after the first list). */
  get listCount(): number {
    return this.relists;
  }

  /** The resourceVersion the informer has seen up to. */
  get resourceVersion(): string {
    return this.lastResourceVersion;
  }

  /**
   * Rewrite every object before it is cached and handed to the handlers (client-go's SetTransform,
   * e.g. to keep a compact form of objects of no interest in full). Only before the informer runs.
   */
  setTransform(fn: (obj: T) => T): void {
    if (this.started) throw new Error(`informer ${gvrId(this.gvr)}: transform set after start`);
    this.transform = fn;
  }

  /** Add an index (before or after start; existing objects are indexed at once). */
  addIndexer(name: string, fn: IndexFunc<T>): void {
    if (this.indexers.has(name)) throw new Error(`informer ${gvrId(this.gvr)}: indexer ${name} exists`);
    this.indexers.set(name, fn);
    const idx = new Map<string, Set<string>>();
    this.indices.set(name, idx);
    for (const [key, obj] of this.items) this.indexOne(name, fn, idx, key, obj);
  }

  /** Register handlers; objects already cached are delivered as adds (initialList true). */
  addEventHandler(handler: EventHandler<T>): void {
    this.handlers.push(handler);
    if (this.synced) for (const obj of this.items.values()) this.safe(() => handler.add?.(obj, true));
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once the first list is in the cache; rejects when `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(new Error(`informer ${gvrId(this.gvr)}: stopped before it synced`));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.syncWaiters.push(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(namespace?: string): T[] {
    if (namespace === undefined) return [...this.items.values()];
    return this.byIndex(NAMESPACE_INDEX, namespace);
  }

  byIndex(indexName: string, value: string): T[] {
    const idx = this.indices.get(indexName);
    if (!idx) throw new Error(`informer ${gvrId(this.gvr)}: no indexer ${indexName}`);
    return [...(idx.get(value) ?? [])].map((k) => this.items.get(k)!).filter(Boolean);
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  /** Run list+watch until `signal` aborts. Called by the factory's `start`. */
  run(signal: AbortSignal): Promise<void> {
    if (this.started) throw new Error(`informer ${gvrId(this.gvr)} already started`);
    this.started = true;
    const resync = this.options.resyncMs ?? 0;
    if (resync > 0) {
      this.resyncTimer = setInterval(() => this.resync(), resync);
      this.resyncTimer.unref?.();
    }
    signal.addEventListener('abort', () => clearInterval(this.resyncTimer), { once: true });
    return this.loop(signal);
  }

  private async loop(signal: AbortSignal): Promise<void> {
    let backoff = 0;
    let needList = true;
    while (!signal.aborted) {
      try {
        if (needList) {
          await this.listAndReplace(signal);
          needList = false;
          backoff = 0;
        }
        const outcome = await this.watchOnce(signal);
        if (outcome === 'relist') needList = true;
        backoff = 0;
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof StatusError && (err.code === 410 || err.reason === 'Expired' || err.reason === 'Gone')) {
          needList = true;
          continue;
        }
        backoff = Math.min(backoff ? backoff * 2 : 100, 5000);
        this.logger.warn({ err, gvr: gvrId(this.gvr) }, 'informer list/watch failed; retrying');
        needList = true;
        await sleep(backoff, signal);
      }
    }
  }

  private async listAndReplace(signal: AbortSignal): Promise<void> {
    const fresh = new Map<string, T>();
    let cont: string | undefined;
    let rv = '';
    do {
      if (signal.aborted) return;
      const page = await this.client.list<T>(this.gvr, {
        namespace: this.options.namespace,
        labelSelector: this.options.labelSelector,
        fieldSelector: this.options.fieldSelector,
        limit: 500,
        continue: cont,
      });
      for (const item of page.items) fresh.set(keyOf(item), this.transform ? this.transform(item) : item);
      cont = page.metadata.continue || undefined;
      rv = page.metadata.resourceVersion ?? rv;
    } while (cont);
    this.relists++;
    this.lastResourceVersion = rv;
    const initial = !this.synced;
    for (const [key, old] of [...this.items]) {
      if (!fresh.has(key)) {
        this.remove(key);
        this.dispatch((h) => h.delete?.(old, true));
      }
    }
    for (const [key, obj] of fresh) {
      const old = this.items.get(key);
      this.put(key, obj);
      if (!old) this.dispatch((h) => h.add?.(obj, initial));
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.dispatch((h) => h.update?.(old, obj));
    }
    if (!this.synced) {
      this.synced = true;
      this.syncWaiters.splice(0).forEach((w) => w());
    }
  }

  /** One watch from the last resourceVersion; 'relist' when the server says it is too old. */
  private async watchOnce(signal: AbortSignal): Promise<'relist' | 'rewatch'> {
    const timeoutSeconds = 300 + Math.floor(Math.random() * 300);
    const stream = this.client.watch<T>(this.gvr, {
      namespace: this.options.namespace,
      labelSelector: this.options.labelSelector,
      fieldSelector: this.options.fieldSelector,
      resourceVersion: this.lastResourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds,
      signal,
    });
    for await (const ev of stream) {
      if (signal.aborted) break;
      if (ev.type === 'ERROR') {
        stream.close();
        const status = isStatus(ev.object) ? ev.object : undefined;
        if (status?.code === 410 || status?.reason === 'Expired' || status?.reason === 'Gone') return 'relist';
        throw new StatusError(status ?? { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 500, reason: 'InternalError', message: 'watch error' });
      }
      this.apply(ev);
    }
    return 'rewatch';
  }

  private apply(ev: WatchEvent<T>): void {
    const rv = ev.object?.metadata?.resourceVersion;
    if (rv) this.lastResourceVersion = rv;
    if (ev.type === 'BOOKMARK') return;
    const obj = this.transform ? this.transform(ev.object) : ev.object;
    const key = keyOf(obj);
    const old = this.items.get(key);
    if (ev.type === 'DELETED') {
      if (old) this.remove(key);
      this.dispatch((h) => h.delete?.(obj, false));
      return;
    }
    this.put(key, obj);
    if (old) this.dispatch((h) => h.update?.(old, obj));
    else this.dispatch((h) => h.add?.(obj, false));
  }

  private resync(): void {
    if (!this.synced) return;
    for (const obj of this.items.values()) this.dispatch((h) => h.update?.(obj, obj));
  }

  private put(key: string, obj: T): void {
    if (this.items.has(key)) this.unindex(key);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexers) this.indexOne(name, fn, this.indices.get(name)!, key, obj);
  }

  private remove(key: string): void {
    this.unindex(key);
    this.items.delete(key);
  }

  private indexOne(_name: string, fn: IndexFunc<T>, idx: Map<string, Set<string>>, key: string, obj: T): void {
    let values: string[];
    try {
      values = fn(obj);
    } catch {
      values = [];
    }
    for (const v of values) {
      let set = idx.get(v);
      if (!set) idx.set(v, (set = new Set()));
      set.add(key);
    }
  }

  private unindex(key: string): void {
    const old = this.items.get(key);
    if (!old) return;
    for (const [name, fn] of this.indexers) {
      const idx = this.indices.get(name)!;
      let values: string[];
      try {
        values = fn(old);
      } catch {
        values = [];
      }
      for (const v of values) {
        const set = idx.get(v);
        set?.delete(key);
        if (set?.size === 0) idx.delete(v);
      }
    }
  }

  private dispatch(call: (h: EventHandler<T>) => void): void {
    for (const h of this.handlers) this.safe(() => call(h));
  }

  private safe(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.logger.error({ err, gvr: gvrId(this.gvr) }, 'informer event handler threw');
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
