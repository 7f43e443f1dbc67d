/**
 * Interceptors of the request pipeline's bail hooks (`apiserver.filter`, `apiserver.resolveHandler`)
 * that cover every kind of tap. The built-in taps decide synchronously (`tap`): a sync tap that
 * answers "not mine" costs no promise, so the chain a request walks stays cheap however many
 * plugins are enabled. A `tapPromise` tap still works and is wrapped the same way.
 */
import type { ApiResponse, Handler, RequestContext } from '../pipeline/types';
import type { ServerHooks } from './hooks';

/** Wrap every Handler that a `resolveHandler` tap returns (sync and promise taps alike). */
export function interceptHandlers(hook: ServerHooks['resolveHandler'], wrap: (handler: Handler) => Handler): void {
  hook.intercept({
    register: (tap) => {
      if (tap.type === 'sync') {
        const fn = tap.fn as (ctx: RequestContext) => Handler | undefined;
        return {
          ...tap,
          fn: (ctx: RequestContext) => {
            const handler = fn(ctx);
            return handler && wrap(handler);
          },
        };
      }
      if (tap.type === 'promise') {
        const fn = tap.fn as (ctx: RequestContext) => Promise<Handler | undefined>;
        return {
          ...tap,
          fn: async (ctx: RequestContext) => {
            const handler = await fn(ctx);
            return handler && wrap(handler);
          },
        };
      }
      return tap;
    },
  });
}

/** Call `onError` (then rethrow) when a `filter` tap throws or rejects (sync and promise taps alike). */
export function interceptFilterErrors(hook: ServerHooks['filter'], onError: (ctx: RequestContext, err: unknown) => void): void {
  hook.intercept({
    register: (tap) => {
      if (tap.type === 'sync') {
        const fn = tap.fn as (ctx: RequestContext) => ApiResponse | undefined;
        return {
          ...tap,
          fn: (ctx: RequestContext) => {
            try {
              return fn(ctx);
            } catch (err) {
              onError(ctx, err);
              throw err;
            }
          },
        };
      }
      if (tap.type === 'promise') {
        const fn = tap.fn as (ctx: RequestContext) => Promise<ApiResponse | undefined>;
        return { ...tap, fn: (ctx: RequestContext) => fn(ctx).catch((err: unknown) => (onError(ctx, err), Promise.reject(err))) };
      }
      return tap;
    },
  });
}
