/**
 * Object access for the few resource handlers that must write past the strategy (pods/binding sets
 * spec.nodeName, namespaces/finalize sets spec.finalizers), the way Kubernetes' subresource REST
 * handlers call the store's GuaranteedUpdate directly: read, mutate, compare-and-swap, retry.
 *
 * Objects are read and written as the JSON the API stores under the resource's key (storage
 * version, resourceVersion stripped, as Kubernetes' etcd3 store does). When the generic store
 * exports its own helpers, this is the one place to switch over.
 */
import { statusError } from '../../../core/api/status';
import type { KObject, RegisteredResourceRef } from '../../../core/registry/types';
import { isStorageError, type KeyValue } from '../../../core/storage/types';
import type { Server } from '../../../core/server/server';

const MAX_ATTEMPTS = 8;

function decode(kv: KeyValue): KObject {
  const obj = JSON.parse(kv.value) as KObject;
  obj.metadata ??= {};
  obj.metadata.resourceVersion = String(kv.modRevision);
  return obj;
}

function encode(obj: KObject): string {
  const copy = { ...obj, metadata: { ...obj.metadata } };
  delete copy.metadata.resourceVersion;
  return JSON.stringify(copy);
}

function qualified(ref: RegisteredResourceRef): { resource: string; group: string } {
  return { resource: ref.definition.names.plural, group: ref.definition.group };
}

export function notFoundError(ref: RegisteredResourceRef, name: string) {
  const { resource, group } = qualified(ref);
  const q = group ? `${resource}.${group}` : resource;
  return statusError('NotFound', `${q} "${name}" not found`, { name, group, kind: resource });
}

/** The stored object, or undefined. */
export async function getObject(server: Server, ref: RegisteredResourceRef, namespace: string, name: string): Promise<KObject | undefined> {
  const kv = await server.storage.get(ref.key(namespace, name));
  return kv ? decode(kv) : undefined;
}

/**
 * Read-modify-write with compare-and-swap. `mutate` changes the object in place (or throws a
 * StatusError to refuse); it may be called again when another writer got there first.
 */
export async function guaranteedUpdate(
  server: Server,
  ref: RegisteredResourceRef,
  namespace: string,
  name: string,
  mutate: (obj: KObject) => void,
): Promise<KObject> {
  const key = ref.key(namespace, name);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const kv = await server.storage.get(key);
    if (!kv) throw notFoundError(ref, name);
    const obj = decode(kv);
    mutate(obj);
    try {
      const written = await server.storage.update(key, encode(obj), kv.modRevision);
      obj.metadata.resourceVersion = String(written.modRevision);
      return obj;
    } catch (err) {
      if (isStorageError(err, 'Conflict')) continue;
      if (isStorageError(err, 'NotFound')) throw notFoundError(ref, name);
      throw err;
    }
  }
  const { resource, group } = qualified(ref);
  throw statusError('Conflict', `Operation cannot be fulfilled on ${group ? `${resource}.${group}` : resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name, group, kind: resource });
}

/** Parse a JSON request body; 400 BadRequest when it is not an object. */
export function jsonBody(body: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8') || 'null');
  } catch (err) {
    throw statusError('BadRequest', `the body of the request could not be decoded: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw statusError('BadRequest', 'the request body must be a JSON object');
  return parsed as Record<string, unknown>;
}
