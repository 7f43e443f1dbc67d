/**
 * In-memory backend with etcd's MVCC semantics: every write appends a record to a revision log and
 * to its key's history, so reads at a past revision, watch replay and compaction behave as on etcd.
 * For unit tests and throwaway servers; nothing is persisted.
 */
import { decodeContinue, encodeContinue } from './continue-token';
import { compareKeys, expiredError, futureRevision, lowerBound, prefixEnd } from './keys';
import {
  StorageError,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Storage,
  type WatchEvent,
  type WatchHandler,
  type WatchOptions,
  type Watcher,
} from './types';
import { WatchHub } from './watch-hub';

interface Rec {
  readonly key: string;
  /** for a delete: the last value the key had */
  readonly value: string;
  readonly revision: number;
  readonly createRevision: number;
  readonly deleted: boolean;
  readonly prevValue?: string;
  dropped?: boolean;
}

const byRevision = (r: Rec, rev: number): number => r.revision - rev;

function toKeyValue(r: Rec): KeyValue {
  return { key: r.key, value: r.value, createRevision: r.createRevision, modRevision: r.revision };
}

function toEvent(r: Rec): WatchEvent {
  const type = r.deleted ? 'DELETED' : r.revision === r.createRevision ? 'ADDED' : 'MODIFIED';
  const ev: WatchEvent = { type, key: r.key, value: r.value, revision: r.revision, createRevision: r.createRevision };
  if (r.prevValue !== undefined) ev.prevValue = r.prevValue;
  return ev;
}

class MemoryStorage implements Storage {
  readonly backend = 'memory';
  private rev = 0;
  private compacted = 0;
  private closed = false;
  /** every retained record in revision order */
  private log: Rec[] = [];
  /** per key, its retained records in revision order */
  private readonly histories = new Map<string, Rec[]>();
  /** the keys of `histories`, sorted */
  private keys: string[] = [];
  private readonly hub: WatchHub;

  constructor() {
    this.hub = new WatchHub(
      {
        history: (prefix, after, upto) => this.history(prefix, after, upto),
        compactedRevision: () => this.compacted,
      },
      0,
    );
  }

  async create(key: string, value: string): Promise<KeyValue> {
    this.checkOpen();
    if (this.live(key)) throw new StorageError('KeyExists', `key ${key} already exists`, { key });
    const rev = this.rev + 1;
    return toKeyValue(this.append({ key, value, revision: rev, createRevision: rev, deleted: false }));
  }

  async get(key: string, opts: { revision?: number } = {}): Promise<KeyValue | undefined> {
    this.checkOpen();
    const rec = this.at(key, this.readRevision(opts.revision));
    return rec && !rec.deleted ? toKeyValue(rec) : undefined;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.checkOpen();
    let revision: number;
    let start = prefix;
    if (opts.continue) {
      const pos = decodeContinue(prefix, opts.continue);
      revision = this.readRevision(pos.revision);
      start = pos.startKey;
    } else {
      revision = this.readRevision(opts.revision);
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    const end = prefixEnd(prefix);
    const items: KeyValue[] = [];
    let remaining = 0;
    for (let i = lowerBound(this.keys, start, compareKeys); i < this.keys.length; i++) {
      const key = this.keys[i];
      if (end !== '' && key >= end) break;
      const rec = this.at(key, revision);
      if (!rec || rec.deleted) continue;
      if (items.length < limit) items.push(toKeyValue(rec));
      else remaining++;
    }
    const result: ListResult = { items, revision };
    if (remaining > 0) {
      result.continue = encodeContinue(prefix, revision, items[items.length - 1].key);
      result.remainingItemCount = remaining;
    }
    return result;
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    this.checkOpen();
    const cur = this.live(key);
    if (!cur) throw new StorageError('NotFound', `key ${key} not found`, { key });
    if (cur.revision !== expectedModRevision) {
      throw new StorageError('Conflict', `key ${key}: modRevision is ${cur.revision}, expected ${expectedModRevision}`, {
        key,
        current: toKeyValue(cur),
      });
    }
    const rec: Rec = { key, value, revision: this.rev + 1, createRevision: cur.createRevision, deleted: false, prevValue: cur.value };
    return toKeyValue(this.append(rec));
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    this.checkOpen();
    const cur = this.live(key);
    if (!cur) throw new StorageError('NotFound', `key ${key} not found`, { key });
    if (expectedModRevision !== undefined && cur.revision !== expectedModRevision) {
      throw new StorageError('Conflict', `key ${key}: modRevision is ${cur.revision}, expected ${expectedModRevision}`, {
        key,
        current: toKeyValue(cur),
      });
    }
    const rec: Rec = {
      key,
      value: cur.value,
      revision: this.rev + 1,
      createRevision: cur.createRevision,
      deleted: true,
      prevValue: cur.value,
    };
    return toKeyValue(this.append(rec));
  }

  watch(prefix: string, opts: WatchOptions, handler: WatchHandler): Watcher {
    return this.hub.watch(prefix, opts.fromRevision, handler);
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    if (revision > this.rev) throw futureRevision(revision, this.rev);
    if (revision <= this.compacted) return;
    this.compacted = revision;
    const keep: string[] = [];
    for (const key of this.keys) {
      const recs = this.histories.get(key) ?? [];
      // the record that is the key's state at `revision`, if it was written at or before it
      const idx = lowerBound(recs, revision + 1, byRevision) - 1;
      let from = idx;
      if (idx >= 0 && recs[idx].revision < revision && recs[idx].deleted) from = idx + 1;
      for (let i = 0; i < Math.max(from, 0); i++) recs[i].dropped = true;
      const kept = from > 0 ? recs.slice(from) : recs;
      if (kept.length > 0) {
        this.histories.set(key, kept);
        keep.push(key);
      } else {
        this.histories.delete(key);
      }
    }
    this.keys = keep;
    this.log = this.log.filter((r) => !r.dropped);
  }

  async currentRevision(): Promise<number> {
    this.checkOpen();
    return this.rev;
  }

  async compactedRevision(): Promise<number> {
    this.checkOpen();
    return this.compacted;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.hub.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError('Unavailable', 'memory storage is closed');
  }

  /** The revision to read at: latest for 0/undefined; Expired below the compacted revision. */
  private readRevision(revision: number | undefined): number {
    if (!revision) return this.rev;
    if (revision > this.rev) throw futureRevision(revision, this.rev);
    if (revision < this.compacted) {
      throw expiredError(`revision ${revision}`, this.compacted);
    }
    return revision;
  }

  private at(key: string, revision: number): Rec | undefined {
    const recs = this.histories.get(key);
    if (!recs) return undefined;
    const idx = lowerBound(recs, revision + 1, byRevision) - 1;
    return idx >= 0 ? recs[idx] : undefined;
  }

  private live(key: string): Rec | undefined {
    const recs = this.histories.get(key);
    const last = recs?.[recs.length - 1];
    return last && !last.deleted ? last : undefined;
  }

  private append(rec: Rec): Rec {
    this.rev = rec.revision;
    this.log.push(rec);
    let recs = this.histories.get(rec.key);
    if (!recs) {
      recs = [];
      this.histories.set(rec.key, recs);
      this.keys.splice(lowerBound(this.keys, rec.key, compareKeys), 0, rec.key);
    }
    recs.push(rec);
    this.hub.publish([toEvent(rec)]);
    return rec;
  }

  private history(prefix: string, after: number, upto: number): WatchEvent[] {
    if (after + 1 < this.compacted) {
      throw expiredError(`watch from revision ${after}`, this.compacted);
    }
    const events: WatchEvent[] = [];
    for (let i = lowerBound(this.log, after + 1, byRevision); i < this.log.length; i++) {
      const r = this.log[i];
      if (r.revision > upto) break;
      if (r.key.startsWith(prefix)) events.push(toEvent(r));
    }
    return events;
  }
}

export function openMemoryStorage(): Storage {
  return new MemoryStorage();
}
