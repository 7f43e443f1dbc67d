/**
 * The shapes of the client API: resources are named by GVR, objects are plain parsed JSON
 * (`KObject`), errors are `StatusError`s carrying the server's Status (reason/code).
 */
import type { KObject } from '../registry/types';

/** A resource: `{ group: 'apps', version: 'v1', resource: 'replicasets' }` ('' for the core group). */
export interface GVR {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
}

/** Which object: `namespace` is omitted (or '') for cluster-scoped resources. */
export interface ObjectRef {
  namespace?: string;
  name: string;
}

export interface ListOptions {
  /** omitted = all namespaces (or a cluster-scoped resource) */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** page size; with `continue` for the next page */
  limit?: number;
  continue?: string;
  /** '0' = any (served from the watch cache); omitted = most recent (quorum) */
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** start after this resourceVersion (usually the list's); omitted = the current state as ADDED events first */
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  /** the server ends the watch after this long */
  timeoutSeconds?: number;
  /** ends the watch */
  signal?: AbortSignal;
}

export interface WriteOptions {
  /** where to create/update; defaults to obj.metadata.namespace */
  namespace?: string;
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface PatchOptions {
  dryRun?: boolean;
  fieldManager?: string;
  /** server-side apply: take ownership of conflicting fields */
  force?: boolean;
  /** e.g. 'status', 'scale' */
  subresource?: string;
}

export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface ObjectList<T extends KObject = KObject> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** One watch event; for ERROR, `object` is a Status. */
export interface WatchEvent<T extends KObject = KObject> {
  type: WatchEventType;
  object: T;
}

/**
 * An open watch: iterate its events with `for await`. The iteration ends when the server ends the
 * stream (timeout, shutdown) or after `close()`; a refused watch (e.g. 410 Expired answered as an
 * HTTP status) throws the StatusError from the iterator.
 */
export interface WatchStream<T extends KObject = KObject> extends AsyncIterable<WatchEvent<T>> {
  close(): void;
}

/** A raw request relative to the API server root, for what the typed methods do not cover. */
export interface RawRequest {
  method: string;
  /** path with query, e.g. `/api/v1/namespaces/x/finalize` */
  path: string;
  headers?: Record<string, string>;
  /** objects are sent as JSON */
  body?: unknown;
  signal?: AbortSignal;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * How a Client reaches an apiserver. `request` returns the whole response; `stream` delivers the
 * body as chunks (watch) and resolves with the status once the stream ended (or the request failed).
 */
export interface Transport {
  request(req: RawRequest): Promise<RawResponse>;
  /** `onResponse` is called with the status and headers before the first chunk */
  stream(req: RawRequest, onResponse: (status: number, headers: RawResponse['headers']) => void, onChunk: (chunk: Buffer) => void): Promise<RawResponse>;
  /** release sockets (HTTP keep-alive agent) */
  close?(): void;
  /** a human description for logs: `in-process` or the server URL */
  readonly description: string;
}

/**
 * A dynamic client for any resource. Every method goes through the apiserver's pipeline
 * (authentication, authorization, admission) whatever the transport; errors are `StatusError`.
 */
export interface Client {
  readonly transport: Transport;
  get<T extends KObject = KObject>(gvr: GVR, ref: ObjectRef): Promise<T>;
  list<T extends KObject = KObject>(gvr: GVR, opts?: ListOptions): Promise<ObjectList<T>>;
  /** namespace from `opts.namespace` or `obj.metadata.namespace` */
  create<T extends KObject = KObject>(gvr: GVR, obj: T, opts?: WriteOptions): Promise<T>;
  /** PUT; send `metadata.resourceVersion` for optimistic concurrency (409 Conflict when stale) */
  update<T extends KObject = KObject>(gvr: GVR, obj: T, opts?: WriteOptions): Promise<T>;
  /** PUT to the status subresource */
  updateStatus<T extends KObject = KObject>(gvr: GVR, obj: T, opts?: WriteOptions): Promise<T>;
  /** `patch` is a JSON Patch array for 'json', an object for merge/strategic/apply */
  patch<T extends KObject = KObject>(gvr: GVR, ref: ObjectRef, type: PatchType, patch: unknown, opts?: PatchOptions): Promise<T>;
  /** resolves with what the server returned: the object (marked for deletion, or gone) or a Status */
  delete(gvr: GVR, ref: ObjectRef, opts?: DeleteOptions): Promise<KObject>;
  watch<T extends KObject = KObject>(gvr: GVR, opts?: WatchOptions): WatchStream<T>;
  /** a raw request (subresources such as `finalize`, `eviction`); non-2xx throw StatusError */
  request<T = unknown>(req: RawRequest): Promise<T>;
  /** release the transport */
  close(): void;
}
