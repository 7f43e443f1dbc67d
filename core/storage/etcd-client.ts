/**
 * The etcd3 client as the etcd backend configures it, the connect-with-backoff at open, and the
 * mapping of etcd3 / gRPC errors to the storage contract.
 *
 * etcd3's default fault handling (retry x3 and a per-host circuit breaker that stays open for 5 s)
 * would queue calls while etcd is down and keep failing them for seconds after it is back; it is
 * replaced by pass-through policies, and every unary call gets a deadline (a frozen etcd accepts
 * connections but never answers). etcd3 1.1.2 ignores its own `dialTimeout` option, so the
 * connect probe at open carries `dialTimeoutMs` as its deadline.
 */
import {
  ClientClosedError,
  Etcd3,
  GRPCCancelledError,
  GRPCDeadlineExceededError,
  GRPCResourceExhastedError,
  GRPCUnavailableError,
  type IOptions,
} from 'etcd3';
import type { EtcdStorageOptions } from './etcd';
import { StorageError } from './types';

type FaultHandling = NonNullable<IOptions['faultHandling']>;
type Policy = NonNullable<FaultHandling['global']>;

/** never aborted: shared, since creating an AbortController per call costs measurable CPU */
const NEVER_ABORTED = new AbortController().signal;

/** a cockatiel-compatible policy that runs the call once (no retry, no circuit breaker) */
const passThrough = {
  execute: async <T>(fn: (ctx: { signal: AbortSignal; attempt: number }) => PromiseLike<T> | T, signal?: AbortSignal) =>
    fn({ signal: signal ?? NEVER_ABORTED, attempt: 0 }),
  onSuccess: () => ({ dispose: () => undefined }),
  onFailure: () => ({ dispose: () => undefined }),
} as unknown as Policy;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** the end of the etcd range covering every key that starts with `prefix` */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i]++;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]); // all keys
}

/** map an etcd3 / gRPC error to the storage contract */
export function toStorageError(err: unknown, key?: string): StorageError {
  if (err instanceof StorageError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const extra = { key, cause: err };
  if (message.includes('required revision has been compacted')) {
    return new StorageError('Expired', `etcd: ${message}`, extra);
  }
  const unavailable =
    err instanceof GRPCUnavailableError ||
    err instanceof GRPCDeadlineExceededError ||
    err instanceof GRPCCancelledError ||
    err instanceof GRPCResourceExhastedError ||
    err instanceof ClientClosedError ||
    (err instanceof Error && err.name === 'BrokenCircuitError') ||
    /etcdserver: (request timed out|leader changed|no leader|too many requests|server stopped)/.test(message);
  if (unavailable) return new StorageError('Unavailable', `etcd unavailable: ${message}`, extra);
  return new StorageError('Internal', `etcd: ${message}`, extra);
}

/** a key no one writes (prefix + NUL...): ranges on it only read the header / check a revision */
export function probeKey(prefix: string): Buffer {
  return Buffer.from(`${prefix}\x00k8ts-probe`, 'utf8');
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function newClient(opts: EtcdStorageOptions): Etcd3 {
  return new Etcd3({
    hosts: opts.endpoints,
    dialTimeout: opts.dialTimeoutMs,
    faultHandling: { global: passThrough, host: () => passThrough },
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + opts.requestTimeoutMs }),
    grpcOptions: {
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 1000,
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5000,
    },
  });
}

/**
 * A client whose etcd answered a linearizable read (so the cluster has a leader), and the revision
 * it answered at. An unreachable etcd is retried with exponential backoff; after the last attempt
 * one Unavailable error names the endpoints. Other errors are not retried.
 */
export async function connectEtcd(opts: EtcdStorageOptions): Promise<{ client: Etcd3; revision: number }> {
  const client = newClient(opts);
  const started = Date.now();
  let delay = opts.retry.initialMs;
  let lastError: unknown;
  let attempts = 0;
  const maxAttempts = Math.max(1, opts.retry.maxAttempts);
  while (attempts < maxAttempts) {
    attempts++;
    try {
      const res = await client.kv.range({ key: probeKey(opts.prefix), count_only: true }, { deadline: Date.now() + opts.dialTimeoutMs });
      return { client, revision: Number(res.header.revision) };
    } catch (err) {
      lastError = err;
      const e = toStorageError(err);
      if (e.code !== 'Unavailable') {
        client.close();
        throw e;
      }
      if (attempts < maxAttempts) {
        await sleep(delay);
        delay = Math.min(delay * 2, opts.retry.maxMs);
      }
    }
  }
  client.close();
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  throw new StorageError(
    'Unavailable',
    `etcd storage: cannot reach etcd at ${opts.endpoints.join(', ')} after ${attempts} attempt(s) over ${secs}s: ${describe(lastError)}`,
    { cause: lastError },
  );
}
