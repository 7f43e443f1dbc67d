/**
 * Controller references (metadata.ownerReferences[controller=true]) for workload controllers:
 * who controls an object, the ownerReference a controller writes, and the claim decision of
 * Kubernetes' ControllerRefManager (adopt orphans that match the selector, release owned objects
 * that no longer match, ignore what another controller owns) with the patches that carry it out.
 * Shared by the ReplicaSet, Deployment and other workload controllers.
 */
import type { KObject, OwnerReference } from '../../../core/registry/types';

/** The ownerReference with controller=true, if any. */
export function getControllerOf(obj: KObject): OwnerReference | undefined {
  return (obj.metadata.ownerReferences ?? []).find((r) => r && r.controller === true);
}

/** Is `obj` controlled by an owner with this uid? */
export function isControlledBy(obj: KObject, ownerUid: string | undefined): boolean {
  const ref = getControllerOf(obj);
  return !!ref && !!ownerUid && ref.uid === ownerUid;
}

/** The controller ownerReference an owner writes into what it creates or adopts. */
export function newControllerRef(owner: KObject, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  } as OwnerReference;
}

export type ClaimDecision = 'keep' | 'adopt' | 'release' | 'ignore';

/**
 * What a controller does with a candidate object (ControllerRefManager.ClaimObject):
 * - owned by this controller: keep it if the selector still matches (and the owner is not being
 *   deleted... it is kept then too), else release it — unless the object is being deleted;
 * - owned by someone else: ignore;
 * - orphan: adopt when it matches, neither side is being deleted.
 */
export function claimDecision(owner: KObject, obj: KObject, matches: (labels: Record<string, string>) => boolean): ClaimDecision {
  const ref = getControllerOf(obj);
  const labels = obj.metadata.labels ?? {};
  if (ref) {
    if (ref.uid !== owner.metadata.uid) return 'ignore';
    if (matches(labels)) return 'keep';
    // an owner being deleted does not release; an object being deleted is not worth a write
    if (owner.metadata.deletionTimestamp || obj.metadata.deletionTimestamp) return 'ignore';
    return 'release';
  }
  if (owner.metadata.deletionTimestamp || !matches(labels)) return 'ignore';
  if (obj.metadata.deletionTimestamp) return 'ignore';
  return 'adopt';
}

/** Strategic merge patch adding the controller reference; the uid precondition guards against a recreated object. */
export function adoptPatch(ref: OwnerReference, objUid: string | undefined): Record<string, unknown> {
  return { metadata: { ownerReferences: [ref], uid: objUid } };
}

/** Strategic merge patch removing the owner's reference (by uid, the list's merge key). */
export function releasePatch(ownerUid: string, objUid: string | undefined): Record<string, unknown> {
  return { metadata: { ownerReferences: [{ $patch: 'delete', uid: ownerUid }], uid: objUid } };
}

/** `namespace/name`, the work-queue key of namespaced objects. */
export function objectKey(obj: { metadata: { namespace?: string; name?: string } }): string {
  const ns = obj.metadata.namespace;
  return ns ? `${ns}/${obj.metadata.name ?? ''}` : (obj.metadata.name ?? '');
}

export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
