import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';

/** What the apiserver makes of a request's URL and method (Kubernetes' RequestInfo). */
export interface RequestInfo {
  isResourceRequest: boolean;
  /** lower-cased URL path for non-resource requests */
  path: string;
  /** get list watch create update patch delete deletecollection, or the HTTP verb for non-resource */
  verb: string;
  apiPrefix: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  parts: string[];
}

/** Who is calling; filled by authentication plugins. */
export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** One request as it travels the pipeline: HTTP and `server.inject` build the same thing. */
export interface RequestContext {
  method: string;
  /** decoded path without the query */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** the raw body (empty for GET) */
  body: Buffer;
  requestInfo: RequestInfo;
  user?: UserInfo;
  /** the TLS socket for HTTPS requests (client certificates); undefined for inject and plain HTTP */
  tlsSocket?: TLSSocket;
  /** how the request arrived: the HTTPS or plain-HTTP listener, or `server.inject` */
  transport?: 'https' | 'http' | 'inject';
  remoteAddress: string;
  /** process.hrtime.bigint() when the request arrived */
  startTime: bigint;
  /** aborted when the client goes away or the server shuts down */
  signal: AbortSignal;
  /**
   * Abort `signal` (and every signal derived from it) with `reason`, when the transport offers it
   * (the HTTP listener does): a filter that needs to cut a request calls this instead of deriving
   * a new signal with AbortSignal.any.
   */
  abort?: (reason?: unknown) => void;
  /** scratch space for plugins, keyed by plugin name */
  readonly state: Map<string, unknown>;
  /** `Warning` headers to add to the response (`299 - "msg"`) */
  readonly warnings: string[];
  /** true for watches, logs -f and other long-running requests (not counted as in-flight for drain) */
  longRunning: boolean;
  /**
   * Set for `Connection: Upgrade` requests on the HTTP listener: the client's connection, detached
   * from the HTTP parser. A handler that switches protocols writes the `101` itself, owns the socket
   * from then on and answers `{ status: 101, upgraded: true }`; any other answer is written as a
   * plain HTTP response and the connection is closed.
   */
  upgrade?: { socket: Duplex; head: Buffer };
}

/** Where a streaming response writes its chunks. */
export interface ResponseSink {
  /** write a chunk; returns false if the client is gone */
  write(chunk: string | Buffer): boolean;
  /** true once the client went away or the server is shutting down */
  readonly closed: boolean;
  /** called once when the client goes away or the stream is ended */
  onClose(cb: () => void): void;
}

export interface ApiResponse {
  status: number;
  headers?: Record<string, string | string[]>;
  /** an object is written as JSON; a string or Buffer as is */
  body?: unknown;
  /** for chunked streaming responses (watch, logs -f): resolves when the stream is over */
  stream?: (sink: ResponseSink) => Promise<void>;
  /** the handler switched protocols on `ctx.upgrade.socket` and owns it: nothing more is written */
  upgraded?: boolean;
}

/** A handler found by the delegation chain. */
export type Handler = (ctx: RequestContext) => Promise<ApiResponse>;

/** What `server.inject` takes. */
export interface InjectRequest {
  method?: string;
  /** path with optional query string */
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** receive streamed chunks as they come (watch); otherwise they are collected */
  onChunk?: (chunk: Buffer) => void;
  signal?: AbortSignal;
  remoteAddress?: string;
  /**
   * Who is calling. Default: the loopback identity (LOOPBACK_USER, in `system:masters`), as
   * kube-apiserver's own loopback client; components pass their own identity; `'anonymous'`
   * leaves the request unauthenticated so authentication plugins decide.
   */
  user?: UserInfo | 'anonymous';
}

/** The identity of in-process requests that name no user (kube-apiserver's loopback client). */
export const LOOPBACK_USER: Readonly<UserInfo> = Object.freeze({
  username: 'system:apiserver',
  groups: ['system:masters', 'system:authenticated'],
});

/** What `server.inject` returns. */
export interface InjectResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
  json<T = unknown>(): T;
  text(): string;
}
