/**
 * The APIServices as data: an in-memory index filled by a list at initialize and kept current by a
 * storage watch (relisted when the watch fails). The proxy, discovery and the availability
 * controller read it; `onChange` tells the controller which APIService to look at again.
 */
import { getResourceRegistry } from '../../../core/registry/registry';
import { getStore } from '../../../core/registry/store';
import type { KObject } from '../../../core/registry/types';
import type { Server } from '../../../core/server/server';
import type { Watcher } from '../../../core/storage/types';

export const GROUP = 'apiregistration.k8s.io';

type Json = Record<string, unknown>;

/** The parts of an APIService the aggregator uses. */
export interface APIServiceView {
  name: string;
  group: string;
  version: string;
  /** undefined: Local (served by this apiserver) */
  service?: { namespace: string; name: string; port: number };
  caBundle?: string;
  insecureSkipTLSVerify: boolean;
  groupPriorityMinimum: number;
  versionPriority: number;
  available: boolean;
  obj: KObject;
}

export function viewOf(obj: KObject): APIServiceView {
  const spec = (obj.spec ?? {}) as Json;
  const svc = spec.service as Json | undefined;
  const conds = Array.isArray((obj.status as Json | undefined)?.conditions) ? ((obj.status as Json).conditions as Json[]) : [];
  return {
    name: obj.metadata.name ?? '',
    group: String(spec.group ?? ''),
    version: String(spec.version ?? ''),
    service: svc && typeof svc === 'object' ? { namespace: String(svc.namespace ?? ''), name: String(svc.name ?? ''), port: typeof svc.port === 'number' ? svc.port : 443 } : undefined,
    caBundle: typeof spec.caBundle === 'string' && spec.caBundle ? spec.caBundle : undefined,
    insecureSkipTLSVerify: spec.insecureSkipTLSVerify === true,
    groupPriorityMinimum: typeof spec.groupPriorityMinimum === 'number' ? spec.groupPriorityMinimum : 0,
    versionPriority: typeof spec.versionPriority === 'number' ? spec.versionPriority : 0,
    available: conds.some((c) => c.type === 'Available' && c.status === 'True'),
    obj,
  };
}

export class APIServiceIndex {
  private readonly byName = new Map<string, APIServiceView>();
  private watcher?: Watcher;
  private stopped = false;
  private readonly listeners: Array<(name: string) => void> = [];

  constructor(private readonly server: Server) {}

  get(group: string, version: string): APIServiceView | undefined {
    return this.byName.get(`${version}.${group}`);
  }

  byNameOf(name: string): APIServiceView | undefined {
    return this.byName.get(name);
  }

  all(): APIServiceView[] {
    return [...this.byName.values()];
  }

  /** called with an APIService's name whenever it is added, changed or deleted */
  onChange(cb: (name: string) => void): void {
    this.listeners.push(cb);
  }

  async start(): Promise<void> {
    const resource = getResourceRegistry(this.server).get(GROUP, 'apiservices');
    if (!resource || !this.server.hasStorage || this.stopped) return;
    const store = getStore(this.server, resource);
    const listed = await store.list({ namespace: '', resourceVersion: '' });
    const before = new Set(this.byName.keys());
    this.byName.clear();
    for (const item of listed.items) this.byName.set(item.obj.metadata.name ?? '', viewOf(item.obj));
    for (const name of new Set([...before, ...this.byName.keys()])) this.emit(name);
    this.watcher = this.server.storage.watch(resource.prefix(), { fromRevision: listed.revision }, {
      next: (ev) => {
        const obj = store.codec.decode(ev.value, ev.revision);
        const name = obj.metadata.name ?? ev.key.split('/').pop() ?? '';
        if (ev.type === 'DELETED') this.byName.delete(name);
        else this.byName.set(name, viewOf(obj));
        this.emit(name);
      },
      error: () => {
        this.watcher = undefined;
        if (!this.stopped) setTimeout(() => void this.start().catch(() => undefined), 100).unref();
      },
    });
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.close();
  }

  private emit(name: string): void {
    for (const cb of this.listeners) {
      try {
        cb(name);
      } catch {
        // a listener's failure is its own
      }
    }
  }
}
