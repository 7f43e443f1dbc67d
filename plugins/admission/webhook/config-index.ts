/**
 * The webhook configurations as data: an in-memory index of one configuration resource, filled by
 * a list at initialize and kept current by a storage watch of the resource's prefix (relisted when
 * the watch fails). Read at call time by the webhook plugins; nothing is tapped at runtime.
 */
import type { RegisteredResource } from '../../../core/registry/registry';
import { getResourceRegistry } from '../../../core/registry/registry';
import { getStore } from '../../../core/registry/store';
import type { KObject } from '../../../core/registry/types';
import type { Server } from '../../../core/server/server';
import type { Watcher } from '../../../core/storage/types';

export class ConfigIndex {
  private readonly byKey = new Map<string, KObject>();
  private watcher?: Watcher;
  private stopped = false;
  private sorted?: KObject[];

  constructor(
    private readonly server: Server,
    private readonly group: string,
    private readonly plural: string,
  ) {}

  /** configurations sorted by name (Kubernetes calls webhooks in name order of their configuration) */
  get configurations(): readonly KObject[] {
    this.sorted ??= [...this.byKey.values()].sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)));
    return this.sorted;
  }

  async start(): Promise<void> {
    const resource = getResourceRegistry(this.server).get(this.group, this.plural) as RegisteredResource | undefined;
    if (!resource || !this.server.hasStorage) return;
    const store = getStore(this.server, resource);
    const listed = await store.list({ namespace: '', resourceVersion: '' });
    this.byKey.clear();
    for (const item of listed.items) this.byKey.set(item.key, item.obj);
    this.sorted = undefined;
    this.watcher = this.server.storage.watch(resource.prefix(), { fromRevision: listed.revision }, {
      next: (ev) => {
        if (ev.type === 'DELETED') this.byKey.delete(ev.key);
        else this.byKey.set(ev.key, store.codec.decode(ev.value, ev.revision));
        this.sorted = undefined;
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
}
