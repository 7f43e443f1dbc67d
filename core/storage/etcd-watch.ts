/**
 * Storage watches on etcd: all watches of one storage share one gRPC watch stream (etcd3's
 * low-level WatchClient), each with a client-assigned watch id (etcd >= 3.4). Not etcd3's
 * auto-reconnecting WatchManager: a broken stream must surface as `Unavailable` so the API layer
 * re-watches from its last revision, and a compaction-cancelled watch must surface as `Expired`
 * with the compacted revision (the WatchManager reports only a generic "Watcher canceled").
 * Sharing the stream matters for throughput: etcd coalesces the responses of many watches into
 * few HTTP/2 frames, which costs the client far less than one stream per watch.
 */
import type { IDuplexStream, IEvent, IWatchRequest, IWatchResponse, WatchClient } from 'etcd3';
import { StorageError, type WatchEvent, type WatchHandler, type Watcher } from './types';

type Stream = IDuplexStream<IWatchRequest, IWatchResponse>;

export interface EtcdWatchParams {
  /** full etcd key range (storage prefix applied) */
  key: Buffer;
  rangeEnd: Buffer;
  /** strip the storage prefix from event keys */
  unprefix(key: Buffer): string;
  /** deliver events with revision > fromRevision */
  fromRevision: number;
  handler: WatchHandler;
  /** a compaction observed by this watch */
  onCompacted(revision: number): void;
}

function unavailable(message: string, cause?: unknown): StorageError {
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return new StorageError('Unavailable', `${message}${detail}`, cause === undefined ? {} : { cause });
}

function cancelQuietly(stream: Stream): void {
  try {
    stream.cancel();
  } catch {
    // already ended
  }
}

/** the shared stream: opened on demand, dropped (failing its watches) when it breaks */
export class EtcdWatchMux {
  private stream: Stream | undefined;
  private opening = false;
  private closed = false;
  private nextId = 1;
  private readonly watches = new Map<string, EtcdWatch>();

  constructor(private readonly watchClient: WatchClient) {}

  watch(params: EtcdWatchParams): EtcdWatch {
    const w = new EtcdWatch(this, String(this.nextId++), params);
    if (this.closed) {
      queueMicrotask(() => w.fail(new StorageError('Unavailable', 'etcd storage is closed')));
      return w;
    }
    this.watches.set(w.id, w);
    if (this.stream) this.create(this.stream, w);
    else this.open();
    return w;
  }

  /** forget `w`; ask etcd to cancel it unless etcd already did */
  remove(w: EtcdWatch, serverCanceled: boolean): void {
    if (!this.watches.delete(w.id)) return;
    if (!serverCanceled && this.stream) this.stream.write({ cancel_request: { watch_id: w.id } });
  }

  /** end every watch without reporting errors */
  close(): void {
    this.closed = true;
    const ws = [...this.watches.values()];
    for (const w of ws) w.close();
    if (this.stream) cancelQuietly(this.stream);
    this.stream = undefined;
  }

  private create(stream: Stream, w: EtcdWatch): void {
    stream.write({ create_request: w.createRequest() });
  }

  private open(): void {
    if (this.opening) return;
    this.opening = true;
    this.watchClient.watch().then(
      (stream) => {
        this.opening = false;
        // listeners stay for the stream's whole life: a late error must never be unhandled
        stream.on('error', (err: Error) => this.broken(stream, unavailable('etcd watch: stream failed', err)));
        stream.on('end', () => this.broken(stream, unavailable('etcd watch: stream ended')));
        if (this.closed) return cancelQuietly(stream);
        this.stream = stream;
        stream.on('data', (res: IWatchResponse) => {
          if (this.stream === stream) this.watches.get(String(res.watch_id))?.onResponse(res);
        });
        for (const w of this.watches.values()) this.create(stream, w);
      },
      (err: unknown) => {
        this.opening = false;
        this.failAll(unavailable('etcd watch: cannot open the watch stream', err));
      },
    );
  }

  private broken(stream: Stream, err: StorageError): void {
    if (this.stream !== stream) return;
    this.stream = undefined;
    cancelQuietly(stream);
    this.failAll(err);
  }

  private failAll(err: StorageError): void {
    const ws = [...this.watches.values()];
    this.watches.clear();
    for (const w of ws) w.fail(err);
  }
}

export class EtcdWatch implements Watcher {
  private done = false;
  private lastRevision: number;

  constructor(
    private readonly mux: EtcdWatchMux,
    readonly id: string,
    private readonly p: EtcdWatchParams,
  ) {
    this.lastRevision = p.fromRevision;
  }

  createRequest(): NonNullable<IWatchRequest['create_request']> {
    // resume after the last delivered event (the stream may be re-created before etcd answers)
    return {
      key: this.p.key,
      range_end: this.p.rangeEnd,
      start_revision: this.lastRevision + 1,
      prev_kv: true,
      progress_notify: false,
      watch_id: this.id,
    };
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    this.mux.remove(this, false);
  }

  /** end the watch and report `err` (at most once, never after close()) */
  fail(err: StorageError, serverCanceled = false): void {
    if (this.done) return;
    this.done = true;
    this.mux.remove(this, serverCanceled);
    try {
      this.p.handler.error(err);
    } catch {
      // a handler that throws from error() has nothing left to tell (as in watch-hub.ts)
    }
  }

  onResponse(res: IWatchResponse): void {
    if (this.done) return;
    const compacted = Number(res.compact_revision ?? 0);
    if (compacted > 0) {
      this.p.onCompacted(compacted);
      const msg = `etcd watch: revision ${this.p.fromRevision + 1} has been compacted (compacted revision ${compacted})`;
      this.fail(new StorageError('Expired', msg, { compactedRevision: compacted }), true);
      return;
    }
    if (res.canceled) {
      this.fail(new StorageError('Internal', `etcd watch: canceled by the server: ${res.cancel_reason || 'no reason given'}`), true);
      return;
    }
    for (const ev of res.events ?? []) {
      const event = this.toEvent(ev);
      if (event.revision <= this.lastRevision) continue; // exactly once, in order
      this.lastRevision = event.revision;
      try {
        this.p.handler.next(event);
      } catch (err) {
        this.fail(new StorageError('Internal', 'etcd watch: the handler threw', { cause: err }));
        return;
      }
      if (this.done) return; // the handler closed the watch
    }
  }

  private toEvent(ev: IEvent): WatchEvent {
    const kv = ev.kv;
    const prev = ev.prev_kv ?? undefined;
    const key = this.p.unprefix(kv.key);
    const revision = Number(kv.mod_revision);
    if (ev.type === 'Delete') {
      const last = prev ? prev.value.toString('utf8') : '';
      const createRevision = prev ? Number(prev.create_revision) : 0;
      return { type: 'DELETED', key, value: last, revision, createRevision, ...(prev ? { prevValue: last } : {}) };
    }
    const createRevision = Number(kv.create_revision);
    const added = createRevision === revision;
    return {
      type: added ? 'ADDED' : 'MODIFIED',
      key,
      value: kv.value.toString('utf8'),
      revision,
      createRevision,
      ...(!added && prev ? { prevValue: prev.value.toString('utf8') } : {}),
    };
  }
}
