/**
 * Hooks from the API: the hooks.k8ts.dev `hooks` resource (served from crds/ by the CRD server),
 * watched through storage like the webhook configuration index and fed into the HookSet as
 * `api:<name>`. The watch starts as soon as the resource is registered (at initialize, or later
 * when api.resourcesChanged reports it) and stops if it goes away.
 */
import { getApiHooks, getResourceRegistry, type RegisteredResource } from '../../core/registry/registry';
import { getStore } from '../../core/registry/store';
import type { KObject } from '../../core/registry/types';
import type { Server } from '../../core/server/server';
import type { Watcher } from '../../core/storage/types';
import type { HookSet } from './hook-set';
import { HOOKS_GROUP, HOOKS_PLURAL } from './types';

export class ApiSource {
  private watcher?: Watcher;
  private resource?: RegisteredResource;
  private stopped = false;
  /** the last object seen per name (the status writer reads generation and status) */
  readonly objects = new Map<string, KObject>();

  constructor(
    private readonly server: Server,
    private readonly set: HookSet,
  ) {}

  /** Follow the registry: call from initialize and from api.resourcesChanged. */
  install(): void {
    getApiHooks(this.server).resourcesChanged.tap('Hooks', () => void this.sync().catch(() => undefined));
  }

  async sync(): Promise<void> {
    if (this.stopped || !this.server.hasStorage) return;
    const r = getResourceRegistry(this.server).get(HOOKS_GROUP, HOOKS_PLURAL) as RegisteredResource | undefined;
    if (r === this.resource) return;
    this.close();
    this.resource = r;
    if (r) await this.start(r);
  }

  get served(): boolean {
    return !!this.resource;
  }

  private async start(resource: RegisteredResource): Promise<void> {
    const store = getStore(this.server, resource);
    const listed = await store.list({ namespace: '', resourceVersion: '' });
    for (const name of this.objects.keys()) this.set.delete(`api:${name}`);
    this.objects.clear();
    for (const item of listed.items) this.put(item.obj);
    this.watcher = this.server.storage.watch(resource.prefix(), { fromRevision: listed.revision }, {
      next: (ev) => {
        if (ev.type === 'DELETED') {
          const name = ev.key.slice(ev.key.lastIndexOf('/') + 1);
          this.objects.delete(name);
          this.set.delete(`api:${name}`);
        } else this.put(store.codec.decode(ev.value, ev.revision));
      },
      error: () => {
        this.watcher = undefined;
        this.resource = undefined;
        if (!this.stopped) setTimeout(() => void this.sync().catch(() => undefined), 100).unref();
      },
    });
  }

  private put(obj: KObject): void {
    const name = String(obj.metadata.name);
    const prev = this.objects.get(name);
    this.objects.set(name, obj);
    // a status-only write (our own status writer) changes neither spec nor generation
    if (prev && prev.metadata.generation === obj.metadata.generation && JSON.stringify(prev.spec) === JSON.stringify(obj.spec)) return;
    this.set.set(`api:${name}`, { type: 'api' }, [{ ...obj, apiVersion: obj.apiVersion ?? 'hooks.k8ts.dev/v1alpha1', kind: obj.kind ?? 'Hook' }]);
  }

  private close(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  stop(): void {
    this.stopped = true;
    this.close();
  }
}
