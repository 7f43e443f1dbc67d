/**
 * Params: `paramKind` (any served kind, typically v1 ConfigMap) and `paramRef` (name, or a label
 * selector; namespace defaults to the request's namespace for namespaced params), read
 * consistently through the generic store on the server, or from a list of objects offline
 * (`k8ts hooks test --params`).
 */
import { getResourceRegistry } from '../../core/registry/registry';
import { getStore } from '../../core/registry/store';
import type { Server } from '../../core/server/server';
import type { HookInput } from './evaluate';
import { selectorMatches } from './match';
import type { HookSpec, Json } from './types';

function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

function pick(spec: HookSpec, input: HookInput, candidates: Json[], namespaced: boolean): Json[] {
  const ref = spec.paramRef!;
  const ns = namespaced ? (ref.namespace ?? input.resource?.namespace ?? '') : '';
  return candidates.filter((o) => {
    if (namespaced && (o.metadata?.namespace ?? 'default') !== ns) return false;
    if (ref.name) return o.metadata?.name === ref.name;
    return selectorMatches(ref.selector ?? {}, o.metadata?.labels);
  });
}

/** Params from the server's storage. */
export function serverParams(server: Server) {
  return async (spec: HookSpec, input: HookInput): Promise<Json[] | undefined> => {
    const kind = spec.paramKind!;
    const res = getResourceRegistry(server).byKind(groupOf(kind.apiVersion), kind.kind);
    if (!res) throw new Error(`paramKind ${kind.apiVersion} ${kind.kind} is not served`);
    const store = getStore(server, res);
    const ref = spec.paramRef!;
    const namespaced = res.definition.namespaced;
    const ns = namespaced ? (ref.namespace ?? input.resource?.namespace ?? '') : '';
    if (ref.name) {
      const got = await store.read(ns, ref.name);
      return got ? [got.obj as Json] : undefined;
    }
    const listed = await store.list({ namespace: ns });
    return pick(spec, input, listed.items.map((i) => i.obj as Json), namespaced);
  };
}

/** Params from objects given offline (apiVersion/kind must match paramKind). */
export function offlineParams(objects: Json[]) {
  return async (spec: HookSpec, input: HookInput): Promise<Json[] | undefined> => {
    const kind = spec.paramKind!;
    const candidates = objects.filter((o) => o.apiVersion === kind.apiVersion && o.kind === kind.kind);
    const namespaced = candidates.some((o) => o.metadata?.namespace) || kind.kind === 'ConfigMap' || kind.kind === 'Secret';
    const withNs = candidates.map((o) => (namespaced && !o.metadata?.namespace ? { ...o, metadata: { ...o.metadata, namespace: input.resource?.namespace || spec.paramRef?.namespace || 'default' } } : o));
    return pick(spec, input, withNs, namespaced);
  };
}
