/**
 * In-process watch fan-out shared by the storage backends that commit in this process (memory,
 * sqlite). A backend publishes the events of each commit, in revision order, right after the
 * commit; the hub delivers them to every watcher whose prefix matches, in order, exactly once.
 *
 * A watch from revision N first replays history (N, current] from the backend, buffering live
 * events meanwhile, then switches to live delivery with no gap and no duplicate. Following etcd,
 * a watch fails with Expired when N + 1 < the compacted revision; fromRevision 0 means "from now".
 */
import { expiredError } from './keys';
import { StorageError, type WatchEvent, type WatchHandler, type Watcher } from './types';

/** What the hub needs from its backend to replay history. */
export interface WatchHistorySource {
  /**
   * Events for keys under `prefix` with afterRevision < revision <= uptoRevision, in revision
   * order. May throw (or reject with) StorageError Expired if that history was compacted.
   */
  history(prefix: string, afterRevision: number, uptoRevision: number): readonly WatchEvent[] | Promise<readonly WatchEvent[]>;
  /** the compacted revision (0 if never compacted) */
  compactedRevision(): number;
}

function asStorageError(err: unknown): StorageError {
  if (err instanceof StorageError) return err;
  return new StorageError('Internal', `watch: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

class HubWatcher implements Watcher {
  /** false while replaying history: live events are buffered until the replay is done */
  live = false;
  closed = false;
  buffer: WatchEvent[] = [];

  constructor(
    private readonly hub: WatchHub,
    readonly prefix: string,
    /** revision of the last event delivered (or the watch's starting point) */
    public last: number,
    private readonly handler: WatchHandler,
  ) {}

  offer(ev: WatchEvent): void {
    if (this.closed) return;
    if (this.live) this.deliver(ev);
    else this.buffer.push(ev);
  }

  deliver(ev: WatchEvent): void {
    if (this.closed || ev.revision <= this.last) return;
    this.last = ev.revision;
    try {
      this.handler.next(ev);
    } catch (err) {
      this.fail(new StorageError('Internal', `watch handler threw: ${err instanceof Error ? err.message : String(err)}`, { cause: err }));
    }
  }

  fail(err: StorageError): void {
    if (this.closed) return;
    this.close();
    try {
      this.handler.error(err);
    } catch {
      // a handler that throws from error() has nothing left to tell
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffer = [];
    this.hub.remove(this);
  }
}

export class WatchHub {
  private revision: number;
  private readonly watchers = new Set<HubWatcher>();
  private publishing = false;
  private pending: WatchEvent[] = [];
  private closedWith: StorageError | undefined;

  constructor(
    private readonly source: WatchHistorySource,
    currentRevision: number,
  ) {
    this.revision = currentRevision;
  }

  /** the revision of the last published event (the backend's current revision) */
  get currentRevision(): number {
    return this.revision;
  }

  /** number of open watchers (for metrics and tests) */
  get size(): number {
    return this.watchers.size;
  }

  /** Publish committed events, in revision order. Re-entrant calls (from a handler) are queued. */
  publish(events: readonly WatchEvent[]): void {
    if (events.length === 0) return;
    for (const ev of events) this.pending.push(ev);
    if (this.publishing) return;
    this.publishing = true;
    try {
      for (let i = 0; i < this.pending.length; i++) {
        const ev = this.pending[i];
        if (ev.revision > this.revision) this.revision = ev.revision;
        for (const w of this.watchers) {
          if (ev.key.startsWith(w.prefix)) w.offer(ev);
        }
      }
    } finally {
      this.pending = [];
      this.publishing = false;
    }
  }

  watch(prefix: string, fromRevision: number, handler: WatchHandler): Watcher {
    const from = fromRevision === 0 ? this.revision : fromRevision;
    const w = new HubWatcher(this, prefix, from, handler);
    const failLater = (err: StorageError): Watcher => {
      queueMicrotask(() => w.fail(err));
      return w;
    };
    if (this.closedWith) return failLater(this.closedWith);
    if (!Number.isSafeInteger(fromRevision) || fromRevision < 0) {
      return failLater(new StorageError('Internal', `watch: invalid fromRevision ${fromRevision}`));
    }
    const expired = this.expiredError(fromRevision);
    if (expired) return failLater(expired);
    this.watchers.add(w);
    const upto = this.revision;
    void this.catchUp(w, from, upto).catch((err: unknown) => w.fail(asStorageError(err)));
    return w;
  }

  private expiredError(fromRevision: number): StorageError | undefined {
    const compacted = this.source.compactedRevision();
    if (fromRevision > 0 && fromRevision + 1 < compacted) {
      return expiredError(`watch from revision ${fromRevision}`, compacted);
    }
    return undefined;
  }

  private async catchUp(w: HubWatcher, from: number, upto: number): Promise<void> {
    await Promise.resolve(); // never call the handler before watch() has returned
    if (w.closed) return;
    if (from < upto) {
      const expired = this.expiredError(from);
      if (expired) throw expired;
      const history = await this.source.history(w.prefix, from, upto);
      for (const ev of history) {
        if (w.closed) return;
        w.deliver(ev);
      }
    }
    // events published during the replay; the handler may cause more to be appended meanwhile
    for (let i = 0; i < w.buffer.length; i++) {
      if (w.closed) return;
      w.deliver(w.buffer[i]);
    }
    w.buffer = [];
    w.live = true;
  }

  /** @internal called by a watcher when it closes */
  remove(w: HubWatcher): void {
    this.watchers.delete(w);
  }

  /** Close every watcher with `err` (default Unavailable) and refuse new ones. */
  close(err?: StorageError): void {
    this.closedWith = err ?? new StorageError('Unavailable', 'storage closed');
    for (const w of [...this.watchers]) w.fail(this.closedWith);
  }
}
