/**
 * Pods from a controller's template and the small I/O helpers workload controllers share: GVRs,
 * error classification, and a status write that retries once on a stale resourceVersion.
 */
import { StatusError } from '../../../core/api/status';
import type { KObject, OwnerReference } from '../../../core/registry/types';
import type { Client, GVR } from '../../../core/client';

export const PODS: GVR = Object.freeze({ group: '', version: 'v1', resource: 'pods' });
export const REPLICASETS: GVR = Object.freeze({ group: 'apps', version: 'v1', resource: 'replicasets' });
export const DEPLOYMENTS: GVR = Object.freeze({ group: 'apps', version: 'v1', resource: 'deployments' });

type Json = Record<string, any>;

export function isNotFound(err: unknown): boolean {
  return err instanceof StatusError && err.code === 404;
}
export function isConflict(err: unknown): boolean {
  return err instanceof StatusError && err.code === 409 && err.reason !== 'AlreadyExists';
}
export function isAlreadyExists(err: unknown): boolean {
  return err instanceof StatusError && err.reason === 'AlreadyExists';
}
/** Creates refused because the namespace is being deleted: nothing to retry. */
export function isNamespaceTerminating(err: unknown): boolean {
  return err instanceof StatusError && err.code === 403 && /being terminated|NamespaceTerminating/i.test(String(err.status.message) + JSON.stringify(err.status.details ?? {}));
}

/**
 * The pod a controller creates from its template: template labels, annotations and finalizers,
 * `generateName: <prefix>-`, the controller reference, the template's spec.
 */
export function podFromTemplate(template: Json | undefined, namespace: string, generatePrefix: string, controllerRef: OwnerReference): KObject {
  const t = structuredClone(template ?? {});
  const meta: Json = t.metadata ?? {};
  const pod: KObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${generatePrefix}-`,
      namespace,
      ownerReferences: [controllerRef],
    },
    spec: t.spec ?? {},
  };
  if (meta.labels && Object.keys(meta.labels).length) pod.metadata.labels = meta.labels;
  if (meta.annotations && Object.keys(meta.annotations).length) pod.metadata.annotations = meta.annotations;
  if (Array.isArray(meta.finalizers) && meta.finalizers.length) pod.metadata.finalizers = meta.finalizers;
  return pod;
}

/**
 * PUT /status with `status`, from the cached object; on 409 (stale cache) GET the latest and try
 * once more. Returns the stored object.
 */
export async function writeStatus(client: Client, gvr: GVR, obj: KObject, status: Json): Promise<KObject> {
  try {
    return await client.updateStatus(gvr, { ...obj, status });
  } catch (err) {
    if (!isConflict(err)) throw err;
    const fresh = await client.get(gvr, { namespace: obj.metadata.namespace, name: obj.metadata.name ?? '' });
    if (fresh.metadata.uid !== obj.metadata.uid) throw err;
    return client.updateStatus(gvr, { ...fresh, status });
  }
}
