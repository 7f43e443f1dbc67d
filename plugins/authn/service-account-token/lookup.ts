/** Read one object of a core/v1 resource through the generic store (storage, never a cached copy). */
import { getResourceRegistry } from '../../../core/registry/registry';
import { getStore } from '../../../core/registry/store';
import type { KObject } from '../../../core/registry/types';
import type { Server } from '../../../core/server/server';

/** The object, or undefined when it (or its resource) does not exist. */
export async function readObject(server: Server, plural: string, namespace: string, name: string): Promise<KObject | undefined> {
  const resource = getResourceRegistry(server).get('', plural);
  if (!resource) return undefined;
  const found = await getStore(server, resource).getForUpdate(resource.definition.namespaced ? namespace : '', name);
  return found?.obj;
}
