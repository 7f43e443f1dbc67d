/**
 * The storage contract: an MVCC key space with etcd's semantics as Kubernetes uses them.
 *
 * - One global revision counter; every successful write (create, update, delete) gets the next
 *   revision. An object's resourceVersion is its `modRevision`.
 * - Keys follow Kubernetes: `/registry/<group>/<resource>/<namespace>/<name>`; prefixes passed to
 *   `list`/`watch` end with `/` so `/pods/ns1/` never sees `/pods/ns10/`.
 * - `compact(C)` drops history before revision C (the state at C is kept). Reading or watching at a
 *   revision below the compacted revision fails with `Expired` (Kubernetes answers 410 Gone).
 * - Values are opaque strings (the API stores JSON).
 */

export interface KeyValue {
  key: string;
  value: string;
  /** revision of the create that started this key's current life */
  createRevision: number;
  /** revision of the last write; the object's resourceVersion */
  modRevision: number;
}

export interface ListOptions {
  /** at most this many items; 0/undefined = all */
  limit?: number;
  /** opaque token from a previous page; pins the revision of the first page */
  continue?: string;
  /** read the key space as it was at this revision; 0/undefined = latest */
  revision?: number;
}

export interface ListResult {
  items: KeyValue[];
  /** the revision the list was served at (every page of one listing has the same) */
  revision: number;
  /** set when more items remain */
  continue?: string;
  /** how many items remain after this page, when known */
  remainingItemCount?: number;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  type: WatchEventType;
  key: string;
  /** the new value; for DELETED the last value the key had */
  value: string;
  /** the revision of this write (for DELETED: the delete's revision) */
  revision: number;
  /** createRevision of the key's life this event belongs to */
  createRevision: number;
  /** the value before this write (MODIFIED and DELETED) */
  prevValue?: string;
}

export interface WatchOptions {
  /** deliver events with revision > fromRevision; 0 = from now on (current revision) */
  fromRevision: number;
}

export interface WatchHandler {
  /** called in revision order, exactly once per event */
  next(event: WatchEvent): void;
  /** called at most once; the watch is closed afterwards (e.g. code Expired, Unavailable) */
  error(err: StorageError): void;
}

export interface Watcher {
  close(): void;
}

export type StorageErrorCode =
  | 'KeyExists' // create on an existing key (409 AlreadyExists)
  | 'NotFound' // get/update/delete of a missing key (404)
  | 'Conflict' // compare-and-swap failed (409 Conflict)
  | 'Expired' // revision compacted (410 Gone / Expired)
  | 'InvalidContinue' // a continue token that does not parse (400)
  | 'Unavailable' // backend unreachable (503)
  | 'Internal'; // anything else (500)

export class StorageError extends Error {
  readonly code: StorageErrorCode;
  readonly key?: string;
  /** for Conflict: the current key-value (undefined if the key is gone) */
  readonly current?: KeyValue;
  /** for Expired: the compacted revision */
  readonly compactedRevision?: number;

  constructor(
    code: StorageErrorCode,
    message: string,
    extra: { key?: string; current?: KeyValue; compactedRevision?: number; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'StorageError';
    this.code = code;
    this.key = extra.key;
    this.current = extra.current;
    this.compactedRevision = extra.compactedRevision;
  }
}

export function isStorageError(err: unknown, code?: StorageErrorCode): err is StorageError {
  return err instanceof StorageError && (code === undefined || err.code === code);
}

export interface Storage {
  /** backend name: memory | sqlite | etcd */
  readonly backend: string;
  /** create the key; fails with KeyExists if present */
  create(key: string, value: string): Promise<KeyValue>;
  /** the key's current value (or at `revision`), undefined if absent */
  get(key: string, opts?: { revision?: number }): Promise<KeyValue | undefined>;
  /** keys under `prefix` in key order */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /** compare-and-swap on modRevision; NotFound if absent, Conflict if the revision moved */
  update(key: string, value: string, expectedModRevision: number): Promise<KeyValue>;
  /** delete, optionally guarded by modRevision; returns the deleted key-value (with the delete's revision in modRevision) */
  delete(key: string, expectedModRevision?: number): Promise<KeyValue>;
  /** ordered, exactly-once watch of a prefix, resumable from a revision */
  watch(prefix: string, opts: WatchOptions, handler: WatchHandler): Watcher;
  /** drop history before `revision` */
  compact(revision: number): Promise<void>;
  /** the latest revision */
  currentRevision(): Promise<number>;
  /** the compacted revision (0 if never compacted) */
  compactedRevision(): Promise<number>;
  close(): Promise<void>;
}
