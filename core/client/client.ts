/**
 * The dynamic Client over any Transport: builds Kubernetes URLs from a GVR, parses responses,
 * turns non-2xx answers into StatusError (the server's own Status when it sent one), and parses
 * chunked watch streams (one JSON event per line).
 */
import { failure, StatusError, type Status, type StatusReason } from '../api/status';
import type { KObject } from '../registry/types';
import type { Client, DeleteOptions, GVR, ListOptions, ObjectList, ObjectRef, PatchOptions, PatchType, RawRequest, RawResponse, Transport, WatchEvent, WatchOptions, WatchStream, WriteOptions } from './types';

const PATCH_CONTENT_TYPES: Readonly<Record<PatchType, string>> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** `/api/v1` or `/apis/<group>/<version>` */
export function groupVersionPath(gvr: Pick<GVR, 'group' | 'version'>): string {
  return gvr.group ? `/apis/${gvr.group}/${gvr.version}` : `/api/${gvr.version}`;
}

/** The URL path of a collection or object (without query). */
export function resourcePath(gvr: GVR, namespace?: string, name?: string, subresource?: string): string {
  let p = groupVersionPath(gvr);
  if (namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${gvr.resource}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}

function withQuery(path: string, query: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

const REASON_BY_CODE: Readonly<Record<number, StatusReason>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** The StatusError for a non-2xx response: the server's Status if the body is one. */
export function responseError(res: RawResponse): StatusError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.body.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (isStatus(parsed)) return new StatusError({ ...parsed, code: parsed.code || res.status });
  const reason = REASON_BY_CODE[res.status] ?? 'InternalError';
  return new StatusError(failure(reason, res.body.toString('utf8').slice(0, 500) || `the server responded with ${res.status}`, undefined, res.status));
}

export function isStatus(v: unknown): v is Status {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'Status';
}

/** True when `err` is a StatusError with this reason (or code). */
export function isStatusReason(err: unknown, reason: StatusReason | number): boolean {
  if (!(err instanceof StatusError)) return false;
  return typeof reason === 'number' ? err.code === reason : err.reason === reason;
}

export class DynamicClient implements Client {
  constructor(readonly transport: Transport) {}

  async request<T = unknown>(req: RawRequest): Promise<T> {
    const res = await this.transport.request(req);
    if (res.status < 200 || res.status >= 300) throw responseError(res);
    if (res.body.length === 0) return undefined as T;
    return JSON.parse(res.body.toString('utf8')) as T;
  }

  get<T extends KObject = KObject>(gvr: GVR, ref: ObjectRef): Promise<T> {
    return this.request<T>({ method: 'GET', path: resourcePath(gvr, ref.namespace, ref.name) });
  }

  list<T extends KObject = KObject>(gvr: GVR, opts: ListOptions = {}): Promise<ObjectList<T>> {
    const path = withQuery(resourcePath(gvr, opts.namespace), {
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      limit: opts.limit,
      continue: opts.continue,
      resourceVersion: opts.resourceVersion,
      resourceVersionMatch: opts.resourceVersionMatch,
    });
    return this.request<ObjectList<T>>({ method: 'GET', path });
  }

  create<T extends KObject = KObject>(gvr: GVR, obj: T, opts: WriteOptions = {}): Promise<T> {
    const ns = opts.namespace ?? obj.metadata?.namespace;
    return this.request<T>({ method: 'POST', path: withQuery(resourcePath(gvr, ns), writeQuery(opts)), body: obj });
  }

  update<T extends KObject = KObject>(gvr: GVR, obj: T, opts: WriteOptions = {}): Promise<T> {
    const ns = opts.namespace ?? obj.metadata?.namespace;
    return this.request<T>({ method: 'PUT', path: withQuery(resourcePath(gvr, ns, obj.metadata.name ?? ''), writeQuery(opts)), body: obj });
  }

  updateStatus<T extends KObject = KObject>(gvr: GVR, obj: T, opts: WriteOptions = {}): Promise<T> {
    const ns = opts.namespace ?? obj.metadata?.namespace;
    return this.request<T>({ method: 'PUT', path: withQuery(resourcePath(gvr, ns, obj.metadata.name ?? '', 'status'), writeQuery(opts)), body: obj });
  }

  patch<T extends KObject = KObject>(gvr: GVR, ref: ObjectRef, type: PatchType, patch: unknown, opts: PatchOptions = {}): Promise<T> {
    const path = withQuery(resourcePath(gvr, ref.namespace, ref.name, opts.subresource), {
      dryRun: opts.dryRun ? 'All' : undefined,
      fieldManager: opts.fieldManager ?? (type === 'apply' ? 'k8ts' : undefined),
      force: opts.force,
    });
    const body = typeof patch === 'string' ? patch : JSON.stringify(patch);
    return this.request<T>({ method: 'PATCH', path, headers: { 'content-type': PATCH_CONTENT_TYPES[type] }, body });
  }

  delete(gvr: GVR, ref: ObjectRef, opts: DeleteOptions = {}): Promise<KObject> {
    const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
    if (opts.propagationPolicy) body.propagationPolicy = opts.propagationPolicy;
    if (opts.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = opts.gracePeriodSeconds;
    if (opts.preconditions) body.preconditions = opts.preconditions;
    if (opts.dryRun) body.dryRun = ['All'];
    return this.request<KObject>({ method: 'DELETE', path: resourcePath(gvr, ref.namespace, ref.name), body });
  }

  watch<T extends KObject = KObject>(gvr: GVR, opts: WatchOptions = {}): WatchStream<T> {
    const path = withQuery(resourcePath(gvr, opts.namespace), {
      watch: 1,
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      resourceVersion: opts.resourceVersion,
      allowWatchBookmarks: opts.allowWatchBookmarks,
      timeoutSeconds: opts.timeoutSeconds,
    });
    return openWatchStream<T>(this.transport, path, opts.signal);
  }

  close(): void {
    this.transport.close?.();
  }
}

function writeQuery(opts: WriteOptions): Record<string, string | undefined> {
  return { dryRun: opts.dryRun ? 'All' : undefined, fieldManager: opts.fieldManager, fieldValidation: opts.fieldValidation };
}

/** Parse a chunked watch (newline-delimited JSON events) into an async iterable. */
function openWatchStream<T extends KObject>(transport: Transport, path: string, signal?: AbortSignal): WatchStream<T> {
  const abort = new AbortController();
  const onOuterAbort = () => abort.abort();
  if (signal) {
    if (signal.aborted) abort.abort();
    else signal.addEventListener('abort', onOuterAbort, { once: true });
  }
  const queue: WatchEvent<T>[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  let error: unknown;
  let okStatus = true;
  let buf = '';
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  abort.signal.addEventListener('abort', notify, { once: true });
  const done = transport
    .stream(
      { method: 'GET', path, signal: abort.signal },
      (status) => {
        okStatus = status >= 200 && status < 300;
      },
      (chunk) => {
        if (!okStatus) return;
        buf += chunk.toString('utf8');
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (!line) continue;
          try {
            queue.push(JSON.parse(line) as WatchEvent<T>);
          } catch {
            // a torn line from a cut connection: the stream is over
          }
        }
        notify();
      },
    )
    .then(
      (res) => {
        if (res.status < 200 || res.status >= 300) error = responseError(res);
      },
      (err) => {
        if (!abort.signal.aborted) error = err;
      },
    )
    .finally(() => {
      finished = true;
      signal?.removeEventListener('abort', onOuterAbort);
      notify();
    });
  void done;
  return {
    close: () => abort.abort(),
    [Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
      return {
        next: async (): Promise<IteratorResult<WatchEvent<T>>> => {
          for (;;) {
            const ev = queue.shift();
            if (ev) return { value: ev, done: false };
            if (finished || abort.signal.aborted) {
              if (error && !abort.signal.aborted) {
                const e = error;
                error = undefined;
                throw e;
              }
              return { value: undefined, done: true };
            }
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
          }
        },
        return: async (): Promise<IteratorResult<WatchEvent<T>>> => {
          abort.abort();
          return { value: undefined, done: true };
        },
      };
    },
  };
}
