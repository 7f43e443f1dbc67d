/**
 * The ownerReferences graph of the garbage collector: one node per observed object (by uid), and
 * the dependents of every uid (observed or not — an owner may never have been seen). Fed by the
 * informers' events; tells the collector which uids to look at after each change.
 */
import type { GVR } from '../../../core/client';
import type { KObject, OwnerReference } from '../../../core/registry/types';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from '../../../core/registry/store-delete';

export interface GraphNode {
  uid: string;
  gvr: GVR;
  namespace: string;
  name: string;
  owners: OwnerReference[];
  /** deletionTimestamp set */
  beingDeleted: boolean;
  /** deletionTimestamp + foregroundDeletion finalizer */
  deletingDependents: boolean;
  /** deletionTimestamp + orphan finalizer */
  orphaning: boolean;
}

/** What the collector must look at after a change: attemptToDelete / attemptToOrphan uids. */
export interface Transitions {
  attemptToDelete: string[];
  attemptToOrphan: string[];
}

export function isDeletingDependents(obj: KObject): boolean {
  return !!obj.metadata.deletionTimestamp && (obj.metadata.finalizers ?? []).includes(FOREGROUND_FINALIZER);
}

export function isOrphaning(obj: KObject): boolean {
  return !!obj.metadata.deletionTimestamp && (obj.metadata.finalizers ?? []).includes(ORPHAN_FINALIZER);
}

export class OwnerGraph {
  readonly nodes = new Map<string, GraphNode>();
  private readonly dependentsOf = new Map<string, Set<string>>();

  dependents(uid: string): GraphNode[] {
    return [...(this.dependentsOf.get(uid) ?? [])].map((u) => this.nodes.get(u)).filter((n): n is GraphNode => !!n);
  }

  /** Dependents whose reference to `uid` has blockOwnerDeletion. */
  blockingDependents(uid: string): GraphNode[] {
    return this.dependents(uid).filter((d) => d.owners.some((o) => o.uid === uid && o.blockOwnerDeletion === true));
  }

  /** An object was added or changed. */
  upsert(gvr: GVR, obj: KObject): Transitions {
    const uid = obj.metadata.uid;
    const out: Transitions = { attemptToDelete: [], attemptToOrphan: [] };
    if (!uid) return out;
    const old = this.nodes.get(uid);
    const node: GraphNode = {
      uid,
      gvr,
      namespace: obj.metadata.namespace ?? '',
      name: obj.metadata.name ?? '',
      owners: [...(obj.metadata.ownerReferences ?? [])],
      beingDeleted: !!obj.metadata.deletionTimestamp,
      deletingDependents: isDeletingDependents(obj),
      orphaning: isOrphaning(obj),
    };
    this.nodes.set(uid, node);
    const oldOwners = new Set((old?.owners ?? []).map((o) => o.uid));
    const newOwners = new Set(node.owners.map((o) => o.uid));
    for (const o of oldOwners) {
      if (newOwners.has(o)) continue;
      this.dependentsOf.get(o)?.delete(uid);
      // an owner waiting for its dependents may be unblocked now
      if (this.nodes.get(o)?.deletingDependents) out.attemptToDelete.push(o);
    }
    for (const o of newOwners) {
      let set = this.dependentsOf.get(o);
      if (!set) this.dependentsOf.set(o, (set = new Set()));
      set.add(uid);
    }
    // a blockOwnerDeletion flag turned off also unblocks an owner
    for (const ref of old?.owners ?? []) {
      if (ref.blockOwnerDeletion && newOwners.has(ref.uid) && !node.owners.find((o) => o.uid === ref.uid)?.blockOwnerDeletion && this.nodes.get(ref.uid)?.deletingDependents) {
        out.attemptToDelete.push(ref.uid);
      }
    }
    // new dependents of owners we never saw (or that are going away): check them
    if (node.owners.some((o) => !this.nodes.has(o.uid) || this.nodes.get(o.uid)!.deletingDependents)) out.attemptToDelete.push(uid);
    if (node.deletingDependents && !old?.deletingDependents) {
      out.attemptToDelete.push(uid, ...[...(this.dependentsOf.get(uid) ?? [])]);
    } else if (node.deletingDependents) out.attemptToDelete.push(uid);
    if (node.orphaning) out.attemptToOrphan.push(uid);
    return out;
  }

  /** An object is gone: its dependents need a look, and so do owners waiting for it. */
  remove(obj: KObject): Transitions {
    const uid = obj.metadata.uid;
    const out: Transitions = { attemptToDelete: [], attemptToOrphan: [] };
    if (!uid) return out;
    const node = this.nodes.get(uid);
    this.nodes.delete(uid);
    for (const ref of node?.owners ?? obj.metadata.ownerReferences ?? []) {
      this.dependentsOf.get(ref.uid)?.delete(uid);
      if (this.dependentsOf.get(ref.uid)?.size === 0 && !this.nodes.has(ref.uid)) this.dependentsOf.delete(ref.uid);
      if (this.nodes.get(ref.uid)?.deletingDependents) out.attemptToDelete.push(ref.uid);
    }
    out.attemptToDelete.push(...(this.dependentsOf.get(uid) ?? []));
    return out;
  }

  /** Forget every node of a resource that is no longer served (CRD removed). */
  dropResource(gvr: GVR): Transitions {
    const out: Transitions = { attemptToDelete: [], attemptToOrphan: [] };
    for (const n of [...this.nodes.values()]) {
      if (n.gvr.group === gvr.group && n.gvr.resource === gvr.resource) {
        const t = this.remove({ metadata: { uid: n.uid, ownerReferences: n.owners } });
        out.attemptToDelete.push(...t.attemptToDelete);
      }
    }
    return out;
  }
}
