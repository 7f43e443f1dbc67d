/**
 * Helpers shared by the admission plugins (not a plugin): the Forbidden Status admission answers
 * with, the container lists of a pod, and read-only lookups of other objects through the generic
 * store (consistent reads; the objects returned are shared with the watch cache and never mutated).
 */
import { statusError, type StatusCause, type StatusError } from '../../../core/api/status';
import { getResourceRegistry } from '../../../core/registry/registry';
import { getStore, type Store } from '../../../core/registry/store';
import type { AdmissionAttributes, KObject } from '../../../core/registry/types';
import type { Server } from '../../../core/server/server';

export type Json = Record<string, any>;

export function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function recs(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

/** `pods "x" is forbidden: <why>` (admission.NewForbidden). */
export function forbidden(attrs: AdmissionAttributes, why: string, causes?: StatusCause[]): StatusError {
  const { group, resource } = attrs.resource;
  const qualified = group ? `${resource}.${group}` : resource;
  const name = attrs.name || (attrs.object ?? attrs.oldObject)?.metadata?.generateName || '';
  return statusError('Forbidden', `${qualified} "${name}" is forbidden: ${why}`, { name, group, kind: resource, ...(causes ? { causes } : {}) });
}

/** Is this a write of the main endpoint of core/v1 `resource` (no subresource)? */
export function isCore(attrs: AdmissionAttributes, resource: string, subresource = ''): boolean {
  return attrs.resource.group === '' && attrs.resource.resource === resource && attrs.subresource === subresource;
}

/** The three container lists Kubernetes admission walks. */
export const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** Every container of a pod spec with its list and index. */
export function allContainers(spec: Json): Array<{ list: (typeof CONTAINER_LISTS)[number]; index: number; container: Json }> {
  const out: Array<{ list: (typeof CONTAINER_LISTS)[number]; index: number; container: Json }> = [];
  for (const list of CONTAINER_LISTS) recs(spec[list]).forEach((container, index) => out.push({ list, index, container }));
  return out;
}

/** The store of a served resource, or undefined when no plugin serves it. */
export function storeOf(server: Server, group: string, resource: string): Store | undefined {
  const ref = getResourceRegistry(server).get(group, resource);
  return ref ? getStore(server, ref) : undefined;
}

/** One object, read consistently; undefined when absent or when the resource is not served. */
export async function readObject(server: Server, group: string, resource: string, namespace: string, name: string): Promise<KObject | undefined> {
  const store = storeOf(server, group, resource);
  if (!store) return undefined;
  return (await store.read(namespace, name))?.obj;
}

/** Every object of a namespace ('' = all), read consistently; [] when the resource is not served. */
export async function listObjects(server: Server, group: string, resource: string, namespace: string): Promise<KObject[]> {
  const store = storeOf(server, group, resource);
  if (!store) return [];
  const res = await store.list({ namespace });
  return res.items.map((i) => i.obj);
}

/** Does this pod spec belong to a pod (the only pod-carrying resource the built-ins admit)? */
export function podSpecOf(obj: KObject | undefined): Json | undefined {
  return obj && isRecord(obj.spec) ? obj.spec : undefined;
}

/**
 * Where admission leaves annotations for the audit event (Kubernetes' audit annotations):
 * `ctx.state.get(AUDIT_ANNOTATIONS_STATE)` is a Record<string, string> the audit plugin copies
 * into `Event.annotations`.
 */
export const AUDIT_ANNOTATIONS_STATE = 'admission.auditAnnotations';

export function addAuditAnnotation(ctx: { state: Map<string, unknown> }, key: string, value: string): void {
  let annotations = ctx.state.get(AUDIT_ANNOTATIONS_STATE) as Record<string, string> | undefined;
  if (!annotations) ctx.state.set(AUDIT_ANNOTATIONS_STATE, (annotations = {}));
  annotations[key] = value;
}
