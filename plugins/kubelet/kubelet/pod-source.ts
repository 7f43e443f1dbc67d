/**
 * The kubelet's one pod list+watch, shared by every node the process hosts: pods bound to a node
 * (`spec.nodeName=<node>` for one node, `spec.nodeName!=` for many), relist on 410, re-watch from
 * the last resourceVersion. `onChange(key)` runs for every add, update and delete. Each pod is
 * cached as its JSON text without managedFields (a third of the memory of the parsed object, which
 * matters at 100,000 pods) and parsed again when a sync asks for it; the text of a pod that needs
 * nothing until its next change (running) is dropped (`compact`), keeping its phase and version.
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

interface Entry {
  raw: string;
  rv: string;
  phase: string;
}

function entry(pod: Json): Entry {
  let obj = pod;
  if (pod.metadata?.managedFields) {
    const { managedFields: _m, ...metadata } = pod.metadata;
    obj = { ...pod, metadata };
  }
  return { raw: JSON.stringify(obj), rv: String(pod.metadata?.resourceVersion ?? ''), phase: String(pod.status?.phase ?? '') };
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

export class PodSource {
  private readonly items = new Map<string, Entry>();
  private rv = '';
  private synced = false;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly client: Client,
    private readonly options: PodSourceOptions,
  ) {}

  /** A fresh copy of the cached pod (parsed from its JSON text); undefined when absent or compacted. */
  get(key: string): Json | undefined {
    const e = this.items.get(key);
    return e && e.raw ? (JSON.parse(e.raw) as Json) : undefined;
  }

  /** The pod exists (its text may have been compacted away). */
  has(key: string): boolean {
    return this.items.has(key);
  }

  /**
   * Drop the text of a pod that needs nothing until its next change (a running pod): the next
   * watch event brings the whole object again; a sync before that reads it from the API.
   */
  compact(key: string, rv: string): void {
    const e = this.items.get(key);
    if (e && e.rv === rv) e.raw = '';
  }

  get size(): number {
    return this.items.size;
  }

  /** How many cached pods are in `phase`. */
  countPhase(phase: string): number {
    let n = 0;
    for (const e of this.items.values()) if (e.phase === phase) n++;
    return n;
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
    const fresh = new Map<string, Entry>();
    let cont: string | undefined;
    do {
      if (signal.aborted) return;
      const page = await this.client.list(PODS, { fieldSelector: this.options.fieldSelector, limit: 1000, continue: cont });
      for (const item of page.items) fresh.set(keyOf(item), entry(item as Json));
      cont = page.metadata.continue || undefined;
      this.rv = page.metadata.resourceVersion ?? this.rv;
    } while (cont);
    const changed: string[] = [];
    for (const key of this.items.keys()) if (!fresh.has(key)) changed.push(key);
    for (const [key, e] of fresh) if (this.items.get(key)?.rv !== e.rv) changed.push(key);
    this.items.clear();
    for (const [key, e] of fresh) this.items.set(key, e);
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
      else this.items.set(key, entry(obj));
      this.options.onChange(key);
    }
    return 'rewatch';
  }
}
