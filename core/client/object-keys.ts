/** Object keys of caches and work queues, and the id of a GVR in messages. */
import type { KObject } from '../registry/types';
import type { GVR } from './types';

/** `namespace/name`, or `name` for cluster-scoped objects: the key of caches and work queues. */
export function keyOf(obj: KObject | { metadata?: { namespace?: string; name?: string } }): string {
  const m = obj.metadata ?? {};
  return m.namespace ? `${m.namespace}/${m.name ?? ''}` : (m.name ?? '');
}

/** Split a key made by `keyOf`. */
export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** The controller ownerReference (controller: true) of `obj`, if any. */
export function controllerRefOf(obj: KObject): NonNullable<KObject['metadata']['ownerReferences']>[number] | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

export function gvrId(gvr: GVR): string {
  return `${gvr.group}/${gvr.version}/${gvr.resource}`;
}
