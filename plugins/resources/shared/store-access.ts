/**
 * Object access for the few resource handlers that must write past the strategy (pods/binding sets
 * spec.nodeName, namespaces/finalize sets spec.finalizers), the way Kubernetes' subresource REST
 * handlers call the store's GuaranteedUpdate directly: read, mutate, compare-and-swap, retry. The
 * generic store's codec reads and writes the stored form; no strategy or admission runs.
 */
import { statusError } from '../../../core/api/status';
import type { RegisteredResource } from '../../../core/registry/registry';
import { getStore } from '../../../core/registry/store';
import type { KObject, RegisteredResourceRef } from '../../../core/registry/types';
import { isStorageError } from '../../../core/storage/types';
import type { Server } from '../../../core/server/server';

const MAX_ATTEMPTS = 8;

function registered(ref: RegisteredResourceRef): RegisteredResource {
  if (!('hooks' in ref) || !('qualifiedName' in ref)) throw new Error('store access needs a registered resource');
  return ref as RegisteredResource;
}

function qualified(ref: RegisteredResourceRef): string {
  const { group, names } = ref.definition;
  return group ? `${names.plural}.${group}` : names.plural;
}

export function notFoundError(ref: RegisteredResourceRef, name: string) {
  const { group, names } = ref.definition;
  return statusError('NotFound', `${qualified(ref)} "${name}" not found`, { name, group, kind: names.plural });
}

/** The stored object (hub form, defaults applied), or undefined. */
export async function getObject(server: Server, ref: RegisteredResourceRef, namespace: string, name: string): Promise<KObject | undefined> {
  const cur = await getStore(server, registered(ref)).getForUpdate(namespace, name);
  return cur?.obj;
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
  const store = getStore(server, registered(ref));
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const cur = await store.getForUpdate(namespace, name);
    if (!cur) throw notFoundError(ref, name);
    const obj = cur.obj;
    mutate(obj);
    try {
      const written = await store.storage.update(cur.kv.key, store.codec.encode(obj), cur.kv.modRevision);
      obj.metadata.resourceVersion = String(written.modRevision);
      return obj;
    } catch (err) {
      if (isStorageError(err, 'Conflict')) continue;
      if (isStorageError(err, 'NotFound')) throw notFoundError(ref, name);
      throw store.mapError(err, name);
    }
  }
  const { group, names } = ref.definition;
  throw statusError('Conflict', `Operation cannot be fulfilled on ${qualified(ref)} "${name}": the object has been modified; please apply your changes to the latest version and try again`, {
    name,
    group,
    kind: names.plural,
  });
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
