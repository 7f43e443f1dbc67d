/**
 * ControllerRevisions for the StatefulSet and DaemonSet controllers (history.go in Kubernetes):
 * a revision holds the patch `{spec: {template}}` of the owner, is named `<owner>-<hash>` where
 * the hash is FNV-1a of the canonical JSON of that data (plus the collision count), carries the
 * owner's controller reference and the `controller-revision-hash` label, and has a `revision`
 * number that grows each time a template becomes current (rolling back re-uses the old revision
 * with a new number). Old revisions beyond revisionHistoryLimit that no pod uses are deleted.
 */
import type { KObject } from '../../../core/registry/types';
import { CONTROLLER_UID_INDEX, type Client, type GVR, type SharedInformer } from '../../../core/client';
import { newControllerRef } from './controller-ref';
import { canonicalJson, fnv32a, safeEncodeString } from './pod-template-hash';
import { isAlreadyExists, isNotFound } from './pod-control';

type Json = Record<string, any>;

export const CONTROLLERREVISIONS: GVR = Object.freeze({ group: 'apps', version: 'v1', resource: 'controllerrevisions' });
export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';

/** The `{spec: {template}}` a revision stores for a StatefulSet or DaemonSet. */
export function revisionData(owner: KObject): Json {
  return { spec: { template: structuredClone((owner.spec as Json | undefined)?.template ?? {}) } };
}

export function revisionHash(data: unknown, collisionCount?: number): string {
  let h = fnv32a(Buffer.from(canonicalJson(data), 'utf8'));
  if (collisionCount) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(collisionCount >>> 0);
    h = fnv32a(b, h);
  }
  return safeEncodeString(String(h));
}

/** Revisions controlled by `owner` in the cache, oldest revision number first. */
export function ownedRevisions(revisions: SharedInformer, owner: KObject): KObject[] {
  return revisions
    .byIndex(CONTROLLER_UID_INDEX, owner.metadata.uid ?? '')
    .slice()
    .sort((a, b) => revNumber(a) - revNumber(b) || String(a.metadata.name).localeCompare(String(b.metadata.name)));
}

export function revNumber(r: KObject): number {
  return Number((r as Json).revision ?? 0);
}

/**
 * The revision for the owner's current template: an existing one with equal data (its number
 * raised to be the newest if it is not), or a new one numbered max+1. A name taken by a revision
 * with other data raises the collision count (returned so the caller can write it to status).
 */
export async function ensureRevision(
  client: Client,
  owner: KObject,
  kind: string,
  existing: KObject[],
  collisionCount: number,
): Promise<{ revision: KObject; collisionCount: number }> {
  const data = revisionData(owner);
  const dataJson = canonicalJson(data);
  const max = existing.reduce((m, r) => Math.max(m, revNumber(r)), 0);
  const equal = existing.filter((r) => canonicalJson((r as Json).data ?? {}) === dataJson);
  if (equal.length) {
    const r = equal[equal.length - 1];
    if (revNumber(r) === max) return { revision: r, collisionCount };
    const updated = await client.update(CONTROLLERREVISIONS, { ...r, revision: max + 1 } as KObject);
    return { revision: updated, collisionCount };
  }
  const ns = owner.metadata.namespace ?? '';
  for (let cc = collisionCount; cc < collisionCount + 10; cc++) {
    const hash = revisionHash(data, cc);
    const body: KObject = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name: `${owner.metadata.name}-${hash}`,
        namespace: ns,
        labels: { ...(((owner.spec as Json | undefined)?.selector?.matchLabels as Record<string, string> | undefined) ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash },
        ownerReferences: [newControllerRef(owner, 'apps/v1', kind)],
      },
      data,
      revision: max + 1,
    } as KObject;
    try {
      return { revision: await client.create(CONTROLLERREVISIONS, body), collisionCount: cc };
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const found = await client.get(CONTROLLERREVISIONS, { namespace: ns, name: body.metadata.name ?? '' });
      if (canonicalJson((found as Json).data ?? {}) === dataJson && found.metadata.ownerReferences?.some((o) => o.uid === owner.metadata.uid)) {
        if (revNumber(found) >= max) return { revision: found, collisionCount: cc };
        return { revision: await client.update(CONTROLLERREVISIONS, { ...found, revision: max + 1 } as KObject), collisionCount: cc };
      }
      // a different revision holds this name: hash again with the next collision count
    }
  }
  throw new Error(`could not name a ControllerRevision for ${ns}/${owner.metadata.name}`);
}

/** Delete the oldest revisions beyond `limit` whose name is not in `live` (revisions pods use). */
export async function truncateHistory(client: Client, revisions: KObject[], live: Set<string>, limit: number): Promise<void> {
  const history = revisions.filter((r) => !live.has(r.metadata.name ?? ''));
  const excess = history.length - limit;
  for (let i = 0; i < excess; i++) {
    const r = history[i];
    try {
      await client.delete(CONTROLLERREVISIONS, { namespace: r.metadata.namespace, name: r.metadata.name ?? '' }, { preconditions: { uid: r.metadata.uid } });
    } catch (err) {
      if (!isNotFound(err) && (err as { code?: number }).code !== 409) throw err;
    }
  }
}
