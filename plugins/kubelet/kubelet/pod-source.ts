/**
 * The kubelet's one pod list+watch, shared by every node the process hosts: pods bound to a node
 * (`spec.nodeName=<node>` for one node, `spec.nodeName!=` for many), cached without managedFields
 * (the kubelet never reads them, and at 100,000 pods they are most of the memory), relist on 410,
 * re-watch from the last resourceVersion. `onChange(key)` runs for every add, update and delete.
 */
import { StatusError } from '../../../core/api/status';
import { isStatus, keyOf, type Client, type GVR, type WatchEvent } from '../../../core/client';

type Json = Record<string, any>;

export const PODS: GVR = Object.freeze({ group: '', version: 'v1', resource: 'pods' });

export interface PodSourceOptions {
  fieldSelector: string;
  onChange(key: string): void;
  onError?(err: unknown): void;
}

function slim(pod: Json): Json {
  if (pod.metadata?.managedFields) {
    const { managedFields: _m, ...metadata } = pod.metadata;
    return { ...pod, metadata };
  }
  return pod;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

export class PodSource {
  private readonly items = new Map<string, Json>();
  private rv = '';
  private synced = false;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly client: Client,
    private readonly options: PodSourceOptions,
  ) {}

  get(key: string): Json | undefined {
    return this.items.get(key);
  }

  get size(): number {
    return this.items.size;
  }

  values(): IterableIterator<Json> {
    return this.items.values();
  }

  hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(): Promise<void> {
    return this.synced ? Promise.resolve() : new Promise((r) => this.waiters.push(r));
  }

  async run(signal: AbortSignal): Promise<void> {
    let backoff = 0;
    let needList = true;
    while (!signal.aborted) {
      try {
        if (needList) {
          await this.list(signal);
          needList = false;
        }
        needList = (await this.watch(signal)) === 'relist';
        backoff = 0;
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof StatusError && err.code === 410) {
          needList = true;
          continue;
        }
        this.options.onError?.(err);
        backoff = Math.min(backoff ? backoff * 2 : 100, 5000);
        needList = true;
        await sleep(backoff, signal);
      }
    }
  }

  private async list(signal: AbortSignal): Promise<void> {
    const fresh = new Map<string, Json>();
    let cont: string | undefined;
    do {
      if (signal.aborted) return;
      const page = await this.client.list(PODS, { fieldSelector: this.options.fieldSelector, limit: 1000, continue: cont });
      for (const item of page.items) fresh.set(keyOf(item), slim(item as Json));
      cont = page.metadata.continue || undefined;
      this.rv = page.metadata.resourceVersion ?? this.rv;
    } while (cont);
    const changed: string[] = [];
    for (const key of this.items.keys()) if (!fresh.has(key)) changed.push(key);
    for (const [key, obj] of fresh) if (this.items.get(key)?.metadata?.resourceVersion !== obj.metadata?.resourceVersion) changed.push(key);
    this.items.clear();
    for (const [key, obj] of fresh) this.items.set(key, obj);
    if (!this.synced) {
      this.synced = true;
      this.waiters.splice(0).forEach((w) => w());
    }
    for (const key of changed) this.options.onChange(key);
  }

  private async watch(signal: AbortSignal): Promise<'relist' | 'rewatch'> {
    const stream = this.client.watch(PODS, {
      fieldSelector: this.options.fieldSelector,
      resourceVersion: this.rv,
      allowWatchBookmarks: true,
      timeoutSeconds: 300 + Math.floor(Math.random() * 300),
      signal,
    });
    for await (const ev of stream as AsyncIterable<WatchEvent>) {
      if (signal.aborted) break;
      if (ev.type === 'ERROR') {
        stream.close();
        const status = isStatus(ev.object) ? ev.object : undefined;
        if (status?.code === 410 || status?.reason === 'Expired' || status?.reason === 'Gone') return 'relist';
        throw new StatusError(status ?? { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 500, reason: 'InternalError', message: 'watch error' });
      }
      const obj = ev.object as Json;
      if (obj?.metadata?.resourceVersion) this.rv = obj.metadata.resourceVersion;
      if (ev.type === 'BOOKMARK') continue;
      const key = keyOf(obj);
      if (ev.type === 'DELETED') this.items.delete(key);
      else this.items.set(key, slim(obj));
      this.options.onChange(key);
    }
    return 'rewatch';
  }
}
