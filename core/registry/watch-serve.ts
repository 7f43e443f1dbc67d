/**
 * Watch requests served from the watch cache (kubectl-surface §8): 200 chunked `application/json`,
 * one `{"type":…,"object":…}` per line, flushed per event. Each event is serialized once per
 * version and format and the same bytes go to every watcher that wants them.
 */
import type { ListQuery } from '../api/options';
import { failure, statusError, type Status } from '../api/status';
import { buildTable, partialObjectMetadata } from '../api/table';
import type { ApiResponse, RequestContext, ResponseSink } from '../pipeline/types';
import type { CachedObject } from './codec';
import type { ResponseFormat } from './respond';
import type { Store } from './store';
import type { CacheEvent, CacheWatcher } from './watch-cache';

export interface WatchSettings {
  /** how often BOOKMARK events go to watchers that allow them */
  bookmarkIntervalMs: number;
  /** a watch without timeoutSeconds ends after this long (kube-apiserver: 30–60 min) */
  defaultTimeoutMs: () => number;
}

export const DEFAULT_WATCH_SETTINGS: WatchSettings = Object.freeze({
  bookmarkIntervalMs: 60_000,
  defaultTimeoutMs: () => 1_800_000 * (1 + Math.random()),
});

export interface WatchRequest {
  store: Store;
  /** '' = every namespace */
  namespace: string;
  /** a single object (`/watch/…/name`) */
  name?: string;
  query: ListQuery;
  fmt: ResponseFormat;
  ctx: RequestContext;
  settings: WatchSettings;
}

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';
const LINE_HEAD: Record<EventType, Buffer> = {
  ADDED: Buffer.from('{"type":"ADDED","object":'),
  MODIFIED: Buffer.from('{"type":"MODIFIED","object":'),
  DELETED: Buffer.from('{"type":"DELETED","object":'),
};
const LINE_END = Buffer.from('}\n');

/** Start a watch: decides where it begins (may answer 504/503 before streaming), then streams. */
export async function serveWatch(req: WatchRequest): Promise<ApiResponse> {
  const { store, query } = req;
  const cache = store.cache;
  try {
    await cache.start();
  } catch (err) {
    throw store.mapError(err);
  }
  if (!cache.ready) throw statusError('ServiceUnavailable', `the watch cache of ${store.resource.qualifiedName} is not ready`, { retryAfterSeconds: 1 });
  const rv = query.resourceVersion;
  const initial = query.sendInitialEvents === true || rv === '' || rv === '0';
  if (rv !== '' && rv !== '0') {
    const n = Number(rv);
    if (!(await cache.waitFor(n, cache.opts.resourceVersionWaitMs))) {
      throw statusError('Timeout', `Too large resource version: ${n}, current: ${cache.revision}`, { retryAfterSeconds: 1 });
    }
  } else if (rv === '') {
    await cache.fresh();
  }
  // from here to addWatcher nothing awaits: the snapshot and the live events meet with no gap
  const session = new WatchSession(req);
  if (initial) {
    session.begin(store.cache.snapshot(session.prefix), undefined, query.sendInitialEvents === true);
  } else {
    const n = Number(rv);
    const replay = cache.eventsAfter(n);
    if (!replay) {
      const status = failure('Expired', `too old resource version: ${n} (${cache.oldestResumable})`);
      return { status: 200, headers: { 'Content-Type': 'application/json' }, stream: async (sink) => void sink.write(errorLine(status)) };
    }
    session.begin(undefined, replay, false);
  }
  req.ctx.longRunning = true;
  return { status: 200, headers: { 'Content-Type': 'application/json' }, stream: (sink) => session.run(sink) };
}

function errorLine(status: Status): Buffer {
  return Buffer.from(`{"type":"ERROR","object":${JSON.stringify(status)}}\n`);
}

class WatchSession implements CacheWatcher {
  readonly prefix: string;
  private readonly exactKey?: string;
  private sink?: ResponseSink;
  private pending: Buffer[] = [];
  private pendingEvents: CacheEvent[] = [];
  private ended = false;
  private done?: () => void;
  private timers: NodeJS.Timeout[] = [];
  private sentColumns = false;
  private batch?: Buffer[];
  private readonly formatKey: string;

  constructor(private readonly req: WatchRequest) {
    const { store, namespace, name } = req;
    this.prefix = store.prefix(namespace);
    if (name !== undefined) this.exactKey = store.key(namespace, name);
    const o = req.fmt.output;
    this.formatKey = o.kind === 'table' ? `t${o.metaVersion}${req.fmt.includeObject}` : o.kind === 'metadata' ? `m${o.metaVersion}` : 'j';
  }

  private matches(entry: CachedObject): boolean {
    if (this.exactKey !== undefined && entry.key !== this.exactKey) return false;
    const q = this.req.query;
    if (!q.labelSelector.empty && !q.labelSelector.matches(entry.obj.metadata?.labels)) return false;
    if (!q.fieldSelector.empty && !q.fieldSelector.matches(entry.obj)) return false;
    return true;
  }

  /** Register with the cache, queueing the initial objects or the replayed events. */
  begin(snapshot: CachedObject[] | undefined, replay: CacheEvent[] | undefined, initialEventsEnd: boolean): void {
    const cache = this.req.store.cache;
    if (snapshot) for (const entry of snapshot) if (this.matches(entry)) this.pending.push(this.line('ADDED', entry));
    if (initialEventsEnd) this.pending.push(this.bookmark(cache.revision, true));
    if (replay) for (const ev of replay) this.pendingEvents.push(ev);
    cache.addWatcher(this);
    // the pipeline normally runs the stream at once; never leak a watcher whose stream never ran
    const orphan = setTimeout(() => {
      if (!this.sink) this.end();
    }, 30_000);
    orphan.unref();
    this.timers.push(orphan);
  }

  offer(ev: CacheEvent): void {
    if (this.ended) return;
    if (!this.sink) {
      this.pendingEvents.push(ev);
      return;
    }
    this.deliver(ev);
  }

  terminate(): void {
    this.end();
  }

  run(sink: ResponseSink): Promise<void> {
    return new Promise<void>((resolve) => {
      this.done = resolve;
      if (this.ended) return resolve();
      this.sink = sink;
      sink.onClose(() => this.end());
      for (const buf of this.pending) if (!this.write(buf)) return;
      this.pending = [];
      const events = this.pendingEvents;
      this.pendingEvents = [];
      for (const ev of events) this.deliver(ev);
      if (this.ended) return;
      const { query, settings } = this.req;
      const timeoutMs = query.timeoutSeconds !== undefined && query.timeoutSeconds > 0 ? query.timeoutSeconds * 1000 : settings.defaultTimeoutMs();
      const t = setTimeout(() => this.end(), timeoutMs);
      t.unref();
      this.timers.push(t);
      if (query.allowWatchBookmarks) {
        const b = setInterval(() => void this.sendBookmark(), settings.bookmarkIntervalMs);
        b.unref();
        this.timers.push(b);
      }
    });
  }

  private async sendBookmark(): Promise<void> {
    const cache = this.req.store.cache;
    const rev = (await cache.fresh().catch(() => undefined)) ?? cache.revision;
    if (!this.ended) this.write(this.bookmark(rev, false));
  }

  private deliver(ev: CacheEvent): void {
    const cur = ev.type !== 'DELETED' && this.matches(ev.object);
    const old = ev.prev !== undefined && this.matches(ev.prev);
    if (!cur && !old) return;
    if (cur) {
      this.write(this.eventLine(ev, old ? 'MODIFIED' : 'ADDED', ev.object, 'o'));
    } else if (ev.type === 'DELETED') {
      this.write(this.eventLine(ev, 'DELETED', ev.object, 'o'));
    } else {
      // left the selector: DELETED with the previous content at the event's revision
      ev.leaving ??= leavingObject(ev);
      this.write(this.eventLine(ev, 'DELETED', ev.leaving, 'l'));
    }
  }

  private eventLine(ev: CacheEvent, type: EventType, entry: CachedObject, which: string): Buffer {
    const table = this.req.fmt.output.kind === 'table';
    const key = `${type}|${which}|${this.req.fmt.version}|${this.formatKey}${table ? (this.sentColumns ? 'n' : 'c') : ''}`;
    let lines = ev.lines;
    if (!lines) lines = ev.lines = new Map();
    let buf = lines.get(key);
    if (!buf) {
      buf = this.line(type, entry);
      lines.set(key, buf);
    } else if (table) this.sentColumns = true;
    return buf;
  }

  private line(type: EventType, entry: CachedObject): Buffer {
    const { store, fmt } = this.req;
    const codec = store.codec;
    switch (fmt.output.kind) {
      case 'table': {
        const hub = entry.obj;
        const tableObj = buildTable([{ hub, versioned: fmt.includeObject === 'None' ? hub : codec.toVersion(hub, fmt.version) }], {
          printer: store.definition.printer,
          includeObject: fmt.includeObject,
          now: new Date(),
          metaVersion: fmt.output.metaVersion,
          withColumns: !this.sentColumns,
          listMeta: { resourceVersion: String(entry.revision) },
        });
        this.sentColumns = true;
        return Buffer.from(`{"type":"${type}","object":${JSON.stringify(tableObj)}}\n`);
      }
      case 'metadata':
        return Buffer.from(`{"type":"${type}","object":${JSON.stringify(partialObjectMetadata(codec.toVersion(entry.obj, fmt.version), fmt.output.metaVersion))}}\n`);
      default:
        // the object's JSON joins the codec's recently serialized: a GET or LIST of a changed object does not serialize it again
        return Buffer.concat([LINE_HEAD[type], codec.json(entry, fmt.version), LINE_END]);
    }
  }

  private bookmark(revision: number, initialEventsEnd: boolean): Buffer {
    const { store, fmt } = this.req;
    const metadata: Record<string, unknown> = { resourceVersion: String(revision) };
    if (initialEventsEnd) metadata.annotations = { [INITIAL_EVENTS_END]: 'true' };
    const object = { kind: store.codec.kind, apiVersion: store.codec.apiVersion(fmt.version), metadata };
    return Buffer.from(`{"type":"BOOKMARK","object":${JSON.stringify(object)}}\n`);
  }

  /**
   * Queue a line; every line queued in one synchronous run (a storage commit publishes its whole
   * batch at once) goes out in one chunk at the end of it, flushed before any other I/O.
   */
  private write(buf: Buffer): boolean {
    if (this.ended || !this.sink) return false;
    if (this.batch) {
      this.batch.push(buf);
      return true;
    }
    this.batch = [buf];
    queueMicrotask(() => this.flush());
    return true;
  }

  private flush(): void {
    const batch = this.batch;
    this.batch = undefined;
    if (!batch || this.ended || !this.sink) return;
    let ok: boolean;
    try {
      ok = this.sink.write(batch.length === 1 ? batch[0] : Buffer.concat(batch));
    } catch {
      ok = false;
    }
    if (!ok) this.end();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.req.store.cache.removeWatcher(this);
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    this.pending = [];
    this.pendingEvents = [];
    this.done?.();
  }
}

function leavingObject(ev: CacheEvent): CachedObject {
  const prev = ev.prev!;
  const obj = { ...prev.obj, metadata: { ...prev.obj.metadata, resourceVersion: String(ev.revision) } };
  return { key: ev.key, revision: ev.revision, obj };
}
