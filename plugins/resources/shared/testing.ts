/**
 * Test helpers for resource plugins: a bare Server with the plugins applied (no storage, no
 * store), and the strategy pipeline run by hand the way the generic store runs it:
 * defaults -> prepareForCreate/Update -> validate/validateUpdate.
 */
import os from 'node:os';
import pino from 'pino';
import type { PluginDefinition } from '../../../core/plugin/define';
import type { RequestContext } from '../../../core/pipeline/types';
import { getResourceRegistry, type RegisteredResource } from '../../../core/registry/registry';
import type { FieldError, KObject } from '../../../core/registry/types';
import { Server } from '../../../core/server/server';
import { clone } from './object';

export function bareServer(plugins: readonly PluginDefinition<any>[], options: Record<string, unknown> = {}): Server {
  const server = new Server({ config: {}, dataDir: os.tmpdir(), logger: pino({ level: 'silent' }) });
  for (const p of plugins) p.apply(server, options[p.name] ?? {});
  return server;
}

export function resourceOf(server: Server, group: string, plural: string): RegisteredResource {
  const r = getResourceRegistry(server).get(group, plural);
  if (!r) throw new Error(`resource ${plural}.${group} is not registered`);
  return r;
}

export interface CtxOptions {
  method?: string;
  subresource?: string;
  dryRun?: boolean;
  namespace?: string;
  name?: string;
}

export function fakeCtx(opts: CtxOptions = {}): RequestContext {
  const query = new URLSearchParams();
  if (opts.dryRun) query.set('dryRun', 'All');
  return {
    method: opts.method ?? 'POST',
    path: '/',
    query,
    headers: {},
    body: Buffer.alloc(0),
    requestInfo: {
      isResourceRequest: true,
      path: '/',
      verb: opts.method === 'PUT' ? 'update' : 'create',
      apiPrefix: 'api',
      apiGroup: '',
      apiVersion: 'v1',
      namespace: opts.namespace ?? '',
      resource: '',
      subresource: opts.subresource ?? '',
      name: opts.name ?? '',
      parts: [],
    },
    remoteAddress: 'test',
    startTime: process.hrtime.bigint(),
    signal: new AbortController().signal,
    state: new Map(),
    warnings: [],
    longRunning: false,
  };
}

export interface Outcome {
  obj: KObject;
  errors: FieldError[];
}

/** defaults -> prepareForCreate -> validate, on a copy. */
export function runCreate(resource: RegisteredResource, input: unknown, ctx = fakeCtx()): Outcome {
  const obj = clone(input) as KObject;
  obj.metadata ??= {};
  const errors: FieldError[] = [];
  resource.hooks.defaults.call(obj);
  resource.hooks.prepareForCreate.call(obj, ctx);
  resource.hooks.validate.call(obj, errors, ctx);
  return { obj, errors };
}

/** defaults -> prepareForUpdate -> validate -> validateUpdate, on a copy (as the generic store does). */
export function runUpdate(resource: RegisteredResource, input: unknown, old: KObject, ctx = fakeCtx({ method: 'PUT' })): Outcome {
  const obj = clone(input) as KObject;
  obj.metadata ??= {};
  const errors: FieldError[] = [];
  resource.hooks.defaults.call(obj);
  resource.hooks.prepareForUpdate.call(obj, old, ctx);
  resource.hooks.validate.call(obj, errors, ctx);
  resource.hooks.validateUpdate.call(obj, old, errors, ctx);
  return { obj, errors };
}

/** The fields of the errors, for concise assertions. */
export function fields(errors: FieldError[]): string[] {
  return errors.map((e) => e.field);
}

/** The type of the error on `field` (undefined if none). */
export function errorOn(errors: FieldError[], field: string): string | undefined {
  return errors.find((e) => e.field === field)?.type;
}
