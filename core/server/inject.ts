import { LOOPBACK_USER, type ApiResponse, type InjectRequest, type InjectResponse, type RequestContext, type ResponseSink } from '../pipeline/types';
import { serializeBody } from '../pipeline/body';

/** Build the RequestContext for an in-process request (requestInfo is filled by the Server). */
export function buildContext(req: InjectRequest, shutdown: AbortSignal): RequestContext {
  const url = new URL(req.url, 'http://inject.local');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
  let body: Buffer;
  if (req.body === undefined || req.body === null) body = Buffer.alloc(0);
  else if (Buffer.isBuffer(req.body)) body = req.body;
  else if (typeof req.body === 'string') body = Buffer.from(req.body);
  else {
    body = Buffer.from(JSON.stringify(req.body));
    headers['content-type'] ??= 'application/json';
  }
  const signals = [shutdown, ...(req.signal ? [req.signal] : [])];
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path: safeDecode(url.pathname),
    query: url.searchParams,
    headers,
    body,
    requestInfo: undefined as unknown as RequestContext['requestInfo'],
    remoteAddress: req.remoteAddress ?? 'inject',
    transport: 'inject',
    user: req.user === 'anonymous' ? undefined : (req.user ?? { ...LOOPBACK_USER, groups: [...LOOPBACK_USER.groups] }),
    startTime: process.hrtime.bigint(),
    signal: AbortSignal.any(signals),
    state: new Map(),
    warnings: [],
    longRunning: false,
  };
}

/** Turn the pipeline's response into an InjectResponse, running a stream to its end. */
export async function runInject(ctx: RequestContext, req: InjectRequest, res: ApiResponse): Promise<InjectResponse> {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(res.headers ?? {})) headers[k.toLowerCase()] = v;
  const chunks: Buffer[] = [];
  if (res.stream) {
    const sink = new InjectSink(ctx.signal, (chunk) => (req.onChunk ? req.onChunk(chunk) : chunks.push(chunk)));
    try {
      await res.stream(sink);
    } finally {
      sink.end();
    }
  } else if (res.body !== undefined) {
    const { buffer, contentType } = serializeBody(res.body);
    headers['content-type'] ??= contentType;
    chunks.push(buffer);
  }
  const body = Buffer.concat(chunks);
  return {
    status: res.status,
    headers,
    body,
    json: <T>() => JSON.parse(body.toString('utf8')) as T,
    text: () => body.toString('utf8'),
  };
}

class InjectSink implements ResponseSink {
  private closedValue = false;
  private readonly closeCallbacks: Array<() => void> = [];
  constructor(
    signal: AbortSignal,
    private readonly push: (chunk: Buffer) => void,
  ) {
    if (signal.aborted) this.closedValue = true;
    else signal.addEventListener('abort', () => this.end(), { once: true });
  }
  get closed(): boolean {
    return this.closedValue;
  }
  write(chunk: string | Buffer): boolean {
    if (this.closedValue) return false;
    this.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    return true;
  }
  onClose(cb: () => void): void {
    if (this.closedValue) cb();
    else this.closeCallbacks.push(cb);
  }
  end(): void {
    if (this.closedValue) return;
    this.closedValue = true;
    this.closeCallbacks.splice(0).forEach((cb) => cb());
  }
}

/** A malformed percent-encoding is kept as is (as the HTTP listener does), never thrown. */
function safeDecode(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}
