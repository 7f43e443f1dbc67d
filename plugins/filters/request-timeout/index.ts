import { FilterStage } from '../../../hooks/stages';
import { definePlugin } from '../../../core/plugin/define';
import { failure } from '../../../core/api/status';
import type { ApiResponse, Handler, RequestContext } from '../../../core/pipeline/types';
import { interceptHandlers } from '../../../core/server/intercept';

const PLUGIN_NAME = 'RequestTimeout';

export interface RequestTimeoutOptions {
  /** deadline of a request that names none (kube-apiserver --request-timeout, 60s) */
  defaultSeconds: number;
  /** the largest `?timeout=` honoured; longer ones are cut to it */
  maxSeconds: number;
}

interface Deadline {
  ms: number;
  controller: { abort(reason?: unknown): void };
}

/**
 * Per-request deadlines: `?timeout=` (a Go duration such as `30s`, `1m30s`, `500ms`) up to
 * `maxSeconds`, else `defaultSeconds`, for every request that is not long-running. When the handler
 * has not answered in time the client gets 504 Timeout; the handler's result is dropped and
 * ctx.signal is aborted so work that honours it stops.
 */
export default definePlugin<Partial<RequestTimeoutOptions>>({
  name: PLUGIN_NAME,
  area: 'filters',
  description: 'Per-request deadline (?timeout=, default 60s): 504 Timeout when the handler has not answered',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      defaultSeconds: { type: 'number', exclusiveMinimum: 0, default: 60 },
      maxSeconds: { type: 'number', exclusiveMinimum: 0, default: 60 },
    },
  },
  apply(server, options) {
    const defaultMs = (options.defaultSeconds ?? 60) * 1000;
    const maxMs = (options.maxSeconds ?? 60) * 1000;

    server.hooks.filter.tap({ name: PLUGIN_NAME, stage: FilterStage.TIMEOUT }, (ctx) => {
      if (ctx.longRunning) return undefined;
      let ms = Math.min(defaultMs, maxMs);
      const param = ctx.query.get('timeout');
      if (param !== null && param !== '') {
        const parsed = parseGoDuration(param);
        if (parsed === undefined || parsed < 0) {
          const status = failure('BadRequest', `invalid timeout specified in the request URL: ${JSON.stringify(param)}`);
          return { status: status.code, body: status };
        }
        if (parsed > 0) ms = Math.min(parsed, maxMs);
      }
      // the transport's ctx.abort cuts ctx.signal directly (an AbortSignal.any per request is costly)
      const cut = ctx.abort;
      if (cut) {
        ctx.state.set(PLUGIN_NAME, { ms, controller: { abort: cut } } satisfies Deadline);
        return undefined;
      }
      const controller = new AbortController();
      ctx.state.set(PLUGIN_NAME, { ms, controller } satisfies Deadline);
      ctx.signal = AbortSignal.any([ctx.signal, controller.signal]);
      return undefined;
    });

    // The deadline covers the handler: every Handler the delegation chain returns is raced against it.
    interceptHandlers(server.hooks.resolveHandler, (handler) => (c: RequestContext) => withDeadline(c, handler));
  },
});

function withDeadline(ctx: RequestContext, handler: Handler): Promise<ApiResponse> {
  const deadline = ctx.state.get(PLUGIN_NAME) as Deadline | undefined;
  if (!deadline) return handler(ctx);
  return new Promise<ApiResponse>((resolve, reject) => {
    const timer = setTimeout(() => {
      const status = failure('Timeout', 'Timeout: request did not complete within the allotted timeout');
      deadline.controller.abort(new Error('request timed out'));
      resolve({ status: status.code, body: status });
    }, deadline.ms);
    handler(ctx).then(
      (res) => {
        clearTimeout(timer);
        resolve(res);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration (`1h2m3.5s`, `300ms`, `0`) in milliseconds; undefined when malformed. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let i = 0;
  let total = 0;
  while (i < text.length) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * UNITS[m[2]];
    i = re.lastIndex;
  }
  return i === 0 ? undefined : total;
}
