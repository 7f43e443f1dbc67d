/**
 * End-to-end test helpers for resource plugins (not a test): a started Server on the memory
 * storage with the KubeAPIServer plugin (the generic store) and the given resource plugins applied,
 * plus request shortcuts for server.inject and the Table Accept header kubectl sends.
 */
import type { PluginDefinition } from '../../../core/plugin/define';
import type { InjectResponse } from '../../../core/pipeline/types';
import { startTestServer } from '../../../core/registry/testing';
import type { Server } from '../../../core/server/server';

/** What `kubectl get` asks for. */
export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

export type Obj = Record<string, any>;

/** A started Server serving the plugins' resources through the generic store; `server.stop()` when done. */
export async function startWithPlugins(plugins: readonly PluginDefinition<any>[], options: Record<string, unknown> = {}): Promise<Server> {
  return startTestServer({
    setup: (server) => {
      for (const p of plugins) p.apply(server, options[p.name] ?? {});
    },
  });
}

export interface Api {
  call(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<InjectResponse>;
  /** POST and expect 201; returns the created object */
  create(url: string, body: unknown): Promise<Obj>;
  /** GET as a Table (the cells kubectl prints) */
  table(url: string): Promise<Obj>;
}

export function api(server: Server): Api {
  const call = (method: string, url: string, body?: unknown, headers?: Record<string, string>) => server.inject({ method, url, body, headers });
  return {
    call,
    async create(url, body) {
      const r = await call('POST', url, body);
      if (r.status !== 201) throw new Error(`POST ${url}: ${r.status} ${r.text()}`);
      return r.json<Obj>();
    },
    async table(url) {
      const r = await call('GET', url, undefined, { accept: TABLE_ACCEPT });
      if (r.status !== 200) throw new Error(`GET ${url}: ${r.status} ${r.text()}`);
      return r.json<Obj>();
    },
  };
}

/** The `details.causes[].field` of a Status, sorted. */
export function causeFields(status: Obj): string[] {
  return ((status.details?.causes ?? []) as Obj[]).map((c) => String(c.field)).sort();
}
