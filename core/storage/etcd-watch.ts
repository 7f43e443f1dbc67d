/**
 * One Storage watch = one etcd gRPC watch stream (etcd3's low-level WatchClient, not its
 * auto-reconnecting WatchManager: a broken watch must surface as an error so the API layer can
 * re-watch from its last revision, and a compaction-cancelled watch must surface as `Expired`,
 * which the WatchManager reports only as a generic "Watcher canceled" error).
 */
import type { IEvent, IWatchResponse, IDuplexStream, IWatchRequest, WatchClient } from 'etcd3';
import { StorageError, type WatchEvent, type WatchHandler, type Watcher } from './types';

export interface EtcdWatchParams {
  watchClient: WatchClient;
  /** full etcd key range (storage prefix applied) */
  key: Buffer;
  rangeEnd: Buffer;
  /** strip the storage prefix from event keys */
  unprefix(key: Buffer): string;
  /** deliver events with revision > fromRevision (0 = from now on) */
  fromRevision: number;
  handler: WatchHandler;
  /** a compaction observed by this watch */
  onCompacted(revision: number): void;
  /** stream closed (by close() or error): the storage forgets it */
  onDone(watch: EtcdWatch): void;
}

type Stream = IDuplexStream<IWatchRequest, IWatchResponse>;

export class EtcdWatch implements Watcher {
  private stream: Stream | undefined;
  private done = false;
  private lastRevision: number;

  constructor(private readonly p: EtcdWatchParams) {
    this.lastRevision = p.fromRevision;
    p.watchClient.watch().then(
      (stream) => this.attach(stream),
      (err: unknown) => this.fail(unavailable('etcd watch: cannot open the watch stream', err)),
    );
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    this.cancelStream();
    this.p.onDone(this);
  }

  /** close and report `err` (at most once, never after close()) */
  fail(err: StorageError): void {
    if (this.done) return;
    this.done = true;
    this.cancelStream();
    this.p.onDone(this);
    this.p.handler.error(err);
  }

  private cancelStream(): void {
    const s = this.stream;
    this.stream = undefined;
    if (!s) return;
    try {
      s.cancel();
    } catch {
      // already ended
    }
  }

  private attach(stream: Stream): void {
    // the error listener stays for the stream's whole life: a late CANCELLED must not be unhandled
    stream.on('error', (err: Error) => this.fail(unavailable('etcd watch: stream failed', err)));
    stream.on('end', () => this.fail(unavailable('etcd watch: stream ended')));
    if (this.done) {
      try {
        stream.cancel();
      } catch {
        // ignore
      }
      return;
    }
    this.stream = stream;
    stream.on('data', (res: IWatchResponse) => this.onResponse(res));
    const start = this.p.fromRevision > 0 ? { start_revision: this.p.fromRevision + 1 } : {};
    stream.write({
      create_request: { key: this.p.key, range_end: this.p.rangeEnd, prev_kv: true, progress_notify: false, ...start },
    });
  }

  private onResponse(res: IWatchResponse): void {
    if (this.done) return;
    const compacted = Number(res.compact_revision ?? 0);
    if (compacted > 0) {
      this.p.onCompacted(compacted);
      this.fail(
        new StorageError('Expired', `etcd watch: revision ${this.p.fromRevision + 1} has been compacted (compacted revision ${compacted})`, {
          compactedRevision: compacted,
        }),
      );
      return;
    }
    if (res.canceled) {
      this.fail(new StorageError('Internal', `etcd watch: canceled by the server: ${res.cancel_reason || 'no reason given'}`));
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
      return {
        type: 'DELETED',
        key,
        value: prev ? prev.value.toString('utf8') : '',
        revision,
        createRevision: prev ? Number(prev.create_revision) : 0,
        ...(prev ? { prevValue: prev.value.toString('utf8') } : {}),
      };
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

function unavailable(message: string, cause?: unknown): StorageError {
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return new StorageError('Unavailable', `${message}${detail}`, cause === undefined ? {} : { cause });
}
