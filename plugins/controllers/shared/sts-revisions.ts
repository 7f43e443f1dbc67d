/**
 * ControllerRevisions for the StatefulSet and DaemonSet controllers (history.go in Kubernetes):
 * a revision holds the strategic merge patch `{spec: {template: {..., $patch: replace}}}` of the
 * owner (Kubernetes' getPatch: `kubectl rollout undo` applies it, and the directive makes it
 * replace the template rather than merge into it), is named `<owner>-<hash>`, carries the owner's
 * controller reference and the `controller-revision-hash` label, and has a `revision` number that
 * grows each time a template becomes current (rolling back re-uses the old revision with a new
 * number). Old revisions beyond revisionHistoryLimit that no pod uses are deleted.
 *
 * The hash is HashControllerRevision's: FNV-1 (32 bit, not 1a) over the revision's data as JSON
 * bytes, then the collision count as decimal digits, safe-encoded. Kubernetes' bytes are Go's
 * json.Marshal of the patch (map keys sorted, `<>&` escaped as \u003c...); k8ts writes its JSON the
 * same way, so equal data gives an equal hash; the data itself differs where Go's typed encoding
 * adds zero values (`creationTimestamp: null`, `resources: {}`) that k8ts does not store.
 * (Kubernetes names DaemonSet revisions by ComputeHash of the template instead; k8ts uses this
 * hash for both.)
 */
import type { KObject } from '../../../core/registry/types';
import { CONTROLLER_UID_INDEX, type Client, type GVR, type SharedInformer } from '../../../core/client';
import { newControllerRef } from './controller-ref';
import { canonicalJson, safeEncodeString } from './pod-template-hash';
import { isAlreadyExists, isNotFound } from './pod-control';

type Json = Record<string, any>;

export const CONTROLLERREVISIONS: GVR = Object.freeze({ group: 'apps', version: 'v1', resource: 'controllerrevisions' });
export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';

/** The `{spec: {template: {..., $patch: replace}}}` a revision stores for a StatefulSet or DaemonSet. */
export function revisionData(owner: KObject): Json {
  return { spec: { template: { ...structuredClone((owner.spec as Json | undefined)?.template ?? {}), $patch: 'replace' } } };
}

/**
 * The template a revision's data holds, for comparing revisions: the `$patch` directive left out,
 * so revisions written before it was added still match their template (no rollout on upgrade).
 */
function templateJson(data: unknown): string {
  const { $patch: _directive, ...template } = ((data as Json | undefined)?.spec?.template ?? {}) as Json;
  return canonicalJson(template);
}

/** FNV-1 32 (Go's fnv.New32: multiply, then xor). */
export function fnv32(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    h = Math.imul(h, 0x01000193) >>> 0;
    h = (h ^ bytes[i]) >>> 0;
  }
  return h;
}

const GO_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/** A string as Go's encoding/json writes it (HTML characters and U+2028/2029 escaped, \b \f as \u00XX). */
function goString(s: string): string {
  return JSON.stringify(s)
    .replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c])
    .replace(/\\([\\bf])/g, (m, c: string) => (c === 'b' ? '\\u0008' : c === 'f' ? '\\u000c' : m));
}

/** JSON as Go's json.Marshal of a map[string]interface{} writes it: keys sorted, Go's string escaping. */
export function goJson(v: unknown): string {
  if (typeof v === 'string') return goString(v);
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  return `{${keys.map((k) => `${goString(k)}:${goJson(o[k])}`).join(',')}}`;
}

/** HashControllerRevision(revision, &collisionCount): FNV-1 32 of the data's JSON, then the count in decimal. */
export function revisionHash(data: unknown, collisionCount = 0): string {
  const h = fnv32(Buffer.from(goJson(data) + String(collisionCount), 'utf8'));
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
  const dataJson = templateJson(data);
  const max = existing.reduce((m, r) => Math.max(m, revNumber(r)), 0);
  const equal = existing.filter((r) => templateJson((r as Json).data) === dataJson);
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
      if (templateJson((found as Json).data) === dataJson && found.metadata.ownerReferences?.some((o) => o.uid === owner.metadata.uid)) {
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
