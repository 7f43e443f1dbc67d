/**
 * An informer-like in-memory index of the four RBAC resources, fed by the storage watch: list each
 * prefix, then watch it from the list's revision; an error (compaction, backend gone) relists.
 * Each authorization is a memory lookup.
 */
import type { KObject } from '../../../core/registry/types';
import type { Storage, Watcher } from '../../../core/storage/types';

export type RbacKind = 'roles' | 'clusterroles' | 'rolebindings' | 'clusterrolebindings';
export const RBAC_KINDS: readonly RbacKind[] = ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'];

interface Entry {
  obj: KObject;
  modRevision: number;
}

class KindCache {
  /** storage key suffix (`ns/name` or `name`) -> object */
  readonly items = new Map<string, Entry>();
  /** namespaced kinds: namespace -> objects in it */
  readonly byNamespace = new Map<string, Map<string, KObject>>();
  watcher?: Watcher;

  constructor(
    readonly kind: RbacKind,
    readonly prefix: string,
    readonly namespaced: boolean,
  ) {}

  put(suffix: string, obj: KObject, modRevision: number): void {
    this.remove(suffix);
    this.items.set(suffix, { obj, modRevision });
    if (this.namespaced) {
      const ns = obj.metadata.namespace ?? suffix.split('/')[0];
      let m = this.byNamespace.get(ns);
      if (!m) this.byNamespace.set(ns, (m = new Map()));
      m.set(suffix, obj);
    }
  }

  remove(suffix: string): void {
    const old = this.items.get(suffix);
    if (!old) return;
    this.items.delete(suffix);
    if (this.namespaced) {
      const ns = old.obj.metadata.namespace ?? suffix.split('/')[0];
      const m = this.byNamespace.get(ns);
      m?.delete(suffix);
      if (m && m.size === 0) this.byNamespace.delete(ns);
    }
  }

  clear(): void {
    this.items.clear();
    this.byNamespace.clear();
  }
}

function parse(value: string): KObject | undefined {
  try {
    const obj = JSON.parse(value) as KObject;
    if (typeof obj !== 'object' || obj === null) return undefined;
    if (typeof obj.metadata !== 'object' || obj.metadata === null) obj.metadata = {};
    return obj;
  } catch {
    return undefined;
  }
}

export class RbacCache {
  private readonly kinds = new Map<RbacKind, KindCache>();
  private readonly listeners = new Set<(kind: RbacKind) => void>();
  private storage?: Storage;
  private stopped = false;

  /** `prefixes`: the storage prefix of each kind (RegisteredResource.prefix()) */
  constructor(prefixes: Record<RbacKind, string>) {
    for (const kind of RBAC_KINDS) this.kinds.set(kind, new KindCache(kind, prefixes[kind], kind === 'roles' || kind === 'rolebindings'));
  }

  /** List and watch every kind; resolves once the first lists are in. */
  async start(storage: Storage): Promise<void> {
    this.storage = storage;
    await Promise.all([...this.kinds.values()].map((k) => this.listAndWatch(k)));
  }

  stop(): void {
    this.stopped = true;
    for (const k of this.kinds.values()) k.watcher?.close();
  }

  /** called after each change of a kind (in the same tick as the change) */
  onChange(listener: (kind: RbacKind) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clusterRole(name: string): KObject | undefined {
    return this.kinds.get('clusterroles')!.items.get(name)?.obj;
  }

  role(namespace: string, name: string): KObject | undefined {
    return this.kinds.get('roles')!.items.get(`${namespace}/${name}`)?.obj;
  }

  clusterRoles(): KObject[] {
    return [...this.kinds.get('clusterroles')!.items.values()].map((e) => e.obj);
  }

  clusterRoleBindings(): Iterable<KObject> {
    return [...this.kinds.get('clusterrolebindings')!.items.values()].map((e) => e.obj);
  }

  roleBindings(namespace: string): Iterable<KObject> {
    return this.kinds.get('rolebindings')!.byNamespace.get(namespace)?.values() ?? [];
  }

  /**
   * Resolves once the index holds what storage holds now (every key at its current revision, no
   * key storage no longer has); for bootstrap and tests that must not race the watch.
   */
  async caughtUp(timeoutMs = 5000): Promise<void> {
    const storage = this.storage;
    if (!storage) return;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let same = true;
      for (const k of this.kinds.values()) {
        const list = await storage.list(k.prefix);
        if (list.items.length !== k.items.size) same = false;
        for (const kv of list.items) if (k.items.get(kv.key.slice(k.prefix.length))?.modRevision !== kv.modRevision) same = false;
        if (!same) break;
      }
      if (same) return;
      if (Date.now() > deadline) throw new Error('the RBAC cache did not catch up with storage');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private async listAndWatch(k: KindCache): Promise<void> {
    const storage = this.storage!;
    k.watcher?.close();
    const list = await storage.list(k.prefix);
    if (this.stopped) return;
    k.clear();
    for (const kv of list.items) {
      const obj = parse(kv.value);
      if (obj) k.put(kv.key.slice(k.prefix.length), obj, kv.modRevision);
    }
    this.changed(k.kind);
    k.watcher = storage.watch(k.prefix, { fromRevision: list.revision }, {
      next: (ev) => {
        const suffix = ev.key.slice(k.prefix.length);
        if (ev.type === 'DELETED') k.remove(suffix);
        else {
          const obj = parse(ev.value);
          if (obj) k.put(suffix, obj, ev.revision);
          else k.remove(suffix);
        }
        this.changed(k.kind);
      },
      error: () => {
        if (this.stopped) return;
        // relist after a short pause (compaction: at once is fine; an unreachable backend: retry)
        setTimeout(() => {
          if (!this.stopped) this.listAndWatch(k).catch(() => this.retry(k));
        }, 100).unref();
      },
    });
  }

  private retry(k: KindCache): void {
    setTimeout(() => {
      if (!this.stopped) this.listAndWatch(k).catch(() => this.retry(k));
    }, 1000).unref();
  }

  private changed(kind: RbacKind): void {
    for (const l of this.listeners) {
      try {
        l(kind);
      } catch {
        // a listener's failure is its own
      }
    }
  }
}
