/**
 * The etcd backend (etcd3 client). Every operation is one etcd request: create, update and delete
 * are single transactions (compare + write, and on a failed compare a read of the current value),
 * get and list are linearizable ranges. Watches share one raw gRPC watch stream (etcd-watch.ts).
 *
 * Faults (etcd-client.ts): an unreachable etcd fails calls fast with `Unavailable` instead of
 * queueing them, and calls succeed again as soon as etcd is back. Reads (never writes: a retried
 * write is ambiguous) are retried once per extra endpoint.
 */
import type {
  Etcd3,
  IKeyValue,
  IRangeRequest,
  IRangeResponse,
  ITxnRequest,
  ITxnResponse,
} from 'etcd3';
import { connectEtcd, prefixEnd, probeKey, toStorageError } from './etcd-client';
import { decodeContinue, encodeContinue } from './continue-token';
import { EtcdWatchMux } from './etcd-watch';
import { StorageError, type KeyValue, type ListOptions, type ListResult, type Storage, type WatchHandler, type WatchOptions, type Watcher } from './types';

export interface EtcdStorageOptions {
  /** client URLs, e.g. http://127.0.0.1:2379 */
  endpoints: string[];
  /** prepended to every key; default '' */
  prefix: string;
  /** deadline of each connection attempt at open; default 2000 */
  dialTimeoutMs: number;
  /** how open() retries an unreachable etcd: exponential backoff */
  retry: { initialMs: number; maxMs: number; maxAttempts: number };
  /** deadline of every unary request; default 10000 (an extension of the options) */
  requestTimeoutMs: number;
}

const DEFAULTS: Omit<EtcdStorageOptions, 'endpoints'> = {
  prefix: '',
  dialTimeoutMs: 2000,
  retry: { initialMs: 100, maxMs: 2000, maxAttempts: 8 },
  requestTimeoutMs: 10_000,
};

class EtcdStorage implements Storage {
  readonly backend = 'etcd';
  private readonly prefix: Buffer;
  private readonly probeKey: Buffer;
  private readonly watches: EtcdWatchMux;
  private knownCompacted = 0;
  /** the highest revision any response has shown this client: where a watch from 0 ("now") starts */
  private seenRevision: number;
  private closed = false;

  constructor(
    private readonly client: Etcd3,
    private readonly opts: EtcdStorageOptions,
    openedAtRevision: number,
  ) {
    this.seenRevision = openedAtRevision;
    this.watches = new EtcdWatchMux(client.watchClient);
    this.prefix = Buffer.from(opts.prefix, 'utf8');
    this.probeKey = probeKey(opts.prefix);
  }

  private k(key: string): Buffer {
    return Buffer.from(this.opts.prefix + key, 'utf8');
  }

  private unprefix(key: Buffer): string {
    return key.subarray(this.prefix.length).toString('utf8');
  }

  private toKV(kv: IKeyValue): KeyValue {
    return {
      key: this.unprefix(kv.key),
      value: kv.value.toString('utf8'),
      createRevision: Number(kv.create_revision),
      modRevision: Number(kv.mod_revision),
    };
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError('Unavailable', 'etcd storage is closed');
  }

  private async txn(req: ITxnRequest, key: string): Promise<ITxnResponse> {
    this.checkOpen();
    try {
      return this.saw(await this.client.kv.txn(req));
    } catch (err) {
      throw toStorageError(err, key);
    }
  }

  /** a linearizable range; retried on another endpoint when unavailable */
  private async range(req: IRangeRequest, key?: string): Promise<IRangeResponse> {
    this.checkOpen();
    for (let attempt = 0; ; attempt++) {
      try {
        return this.saw(await this.client.kv.range({ serializable: false, ...req }));
      } catch (err) {
        const e = toStorageError(err, key);
        if (e.code === 'Unavailable' && attempt + 1 < this.opts.endpoints.length && !this.closed) continue;
        if (e.code === 'Expired') throw await this.expired(e, key);
        throw e;
      }
    }
  }

  private saw<T extends { header: { revision: string } }>(res: T): T {
    const rev = Number(res.header.revision);
    if (rev > this.seenRevision) this.seenRevision = rev;
    return res;
  }

  /** fill in the compacted revision of an Expired error */
  private async expired(e: StorageError, key?: string): Promise<StorageError> {
    const compactedRevision = await this.compactedRevision().catch(() => undefined);
    return new StorageError('Expired', e.message, { key, compactedRevision, cause: e.cause });
  }

  async create(key: string, value: string): Promise<KeyValue> {
    const k = this.k(key);
    const res = await this.txn(
      {
        compare: [{ key: k, target: 'Create', result: 'Equal', create_revision: 0 }],
        success: [{ request_put: { key: k, value: Buffer.from(value, 'utf8') } }],
        failure: [],
      },
      key,
    );
    if (!res.succeeded) throw new StorageError('KeyExists', `key ${key} already exists`, { key });
    const rev = Number(res.header.revision);
    return { key, value, createRevision: rev, modRevision: rev };
  }

  async get(key: string, opts: { revision?: number } = {}): Promise<KeyValue | undefined> {
    const res = await this.range({ key: this.k(key), ...(opts.revision ? { revision: opts.revision } : {}) }, key);
    return res.kvs.length ? this.toKV(res.kvs[0]) : undefined;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const p = this.k(prefix);
    let start = p;
    let revision = opts.revision ?? 0;
    if (opts.continue) {
      const pos = decodeContinue(prefix, opts.continue);
      start = this.k(pos.startKey);
      revision = pos.revision;
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const res = await this.range({ key: start, range_end: prefixEnd(p), limit, ...(revision ? { revision } : {}) });
    const items = res.kvs.map((kv) => this.toKV(kv));
    const served = revision || Number(res.header.revision);
    const result: ListResult = { items, revision: served };
    const remaining = Number(res.count) - items.length;
    if (limit && res.more && remaining > 0 && items.length > 0) {
      result.continue = encodeContinue(prefix, served, items[items.length - 1].key);
      result.remainingItemCount = remaining;
    }
    return result;
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    const k = this.k(key);
    const res = await this.txn(
      {
        compare: [
          { key: k, target: 'Version', result: 'Greater', version: 0 },
          { key: k, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision },
        ],
        success: [{ request_put: { key: k, value: Buffer.from(value, 'utf8'), prev_kv: true } }],
        failure: [{ request_range: { key: k } }],
      },
      key,
    );
    if (!res.succeeded) throw this.casFailure(key, res, expectedModRevision);
    const prev = res.responses[0].response_put.prev_kv;
    const rev = Number(res.header.revision);
    return { key, value, createRevision: Number(prev.create_revision), modRevision: rev };
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    const k = this.k(key);
    const guard = expectedModRevision === undefined ? [] : [{ key: k, target: 'Mod' as const, result: 'Equal' as const, mod_revision: expectedModRevision }];
    const res = await this.txn(
      {
        compare: [{ key: k, target: 'Version', result: 'Greater', version: 0 }, ...guard],
        success: [{ request_delete_range: { key: k, prev_kv: true } }],
        failure: [{ request_range: { key: k } }],
      },
      key,
    );
    if (!res.succeeded) throw this.casFailure(key, res, expectedModRevision);
    const prev = res.responses[0].response_delete_range.prev_kvs[0];
    return {
      key,
      value: prev.value.toString('utf8'),
      createRevision: Number(prev.create_revision),
      modRevision: Number(res.header.revision),
    };
  }

  private casFailure(key: string, res: ITxnResponse, expected: number | undefined): StorageError {
    const kvs = res.responses[0]?.response_range?.kvs ?? [];
    if (kvs.length === 0) return new StorageError('NotFound', `key ${key} not found`, { key });
    const current = this.toKV(kvs[0]);
    return new StorageError('Conflict', `key ${key}: expected modRevision ${expected}, current ${current.modRevision}`, { key, current });
  }

  watch(prefix: string, opts: WatchOptions, handler: WatchHandler): Watcher {
    const from = opts.fromRevision;
    if (from > 0 && from + 1 < this.knownCompacted) {
      const compactedRevision = this.knownCompacted;
      const err = new StorageError('Expired', `etcd watch: revision ${from + 1} has been compacted (compacted revision ${compactedRevision})`, {
        compactedRevision,
      });
      let closed = false;
      queueMicrotask(() => {
        try {
          if (!closed) handler.error(err);
        } catch {
          // a handler that throws from error() has nothing left to tell
        }
      });
      return { close: () => void (closed = true) };
    }
    const p = this.k(prefix);
    return this.watches.watch({
      key: p,
      rangeEnd: prefixEnd(p),
      unprefix: (key) => this.unprefix(key),
      // "from now on": after every write this client has seen acknowledged (the watch stream is
      // established asynchronously, so etcd's default "from the watch's creation" could miss
      // writes made right after watch() returns)
      fromRevision: from > 0 ? from : this.seenRevision,
      handler,
      onCompacted: (rev) => this.noteCompacted(rev),
    });
  }

  private noteCompacted(rev: number): void {
    if (rev > this.knownCompacted) this.knownCompacted = rev;
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    try {
      this.saw(await this.client.kv.compact({ revision, physical: true }));
      this.noteCompacted(revision);
    } catch (err) {
      const e = toStorageError(err);
      // compacting to an already compacted revision changes nothing
      if (e.code === 'Expired') return;
      throw e;
    }
  }

  async currentRevision(): Promise<number> {
    const res = await this.range({ key: this.probeKey, count_only: true });
    return Number(res.header.revision);
  }

  /** whether reads at `rev` are still possible */
  private async readable(rev: number): Promise<boolean> {
    try {
      this.saw(await this.client.kv.range({ key: this.probeKey, count_only: true, revision: rev, serializable: false }));
      return true;
    } catch (err) {
      const e = toStorageError(err);
      if (e.code === 'Expired') return false;
      throw e;
    }
  }

  /**
   * etcd has no API for the compacted revision: it is the smallest revision a range can still be
   * read at. Known compactions (our own, or seen by watches) bound the search; the common case is
   * one request confirming the last known value.
   */
  async compactedRevision(): Promise<number> {
    this.checkOpen();
    try {
      const known = this.knownCompacted;
      if (await this.readable(Math.max(known, 1))) return known;
      let lo = Math.max(known, 1) + 1; // lo-1 is not readable
      let hi = await this.currentRevision(); // always readable
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        if (await this.readable(mid)) hi = mid;
        else lo = mid + 1;
      }
      this.noteCompacted(lo);
      return lo;
    } catch (err) {
      throw toStorageError(err);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watches.close();
    this.client.close();
  }
}

/** connect to etcd (retrying an unreachable one with backoff, then failing with Unavailable) */
export async function openEtcdStorage(options: Partial<EtcdStorageOptions> & { endpoints: string[] }): Promise<Storage> {
  const opts: EtcdStorageOptions = { ...DEFAULTS, ...options, retry: { ...DEFAULTS.retry, ...options.retry } };
  if (opts.endpoints.length === 0) throw new StorageError('Internal', 'etcd storage: no endpoints configured');
  const { client, revision } = await connectEtcd(opts);
  return new EtcdStorage(client, opts, revision);
}
