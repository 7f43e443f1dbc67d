/**
 * Object metadata the server owns (kubectl-surface §11): uid, creationTimestamp, generateName,
 * and the namespace/name reconciliation between the URL and the body.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { KObject } from '../registry/types';
import { statusError } from './status';

/** The alphabet Kubernetes draws generated name suffixes from (no vowels, no confusable digits). */
export const GENERATE_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
export const GENERATE_NAME_SUFFIX_LENGTH = 5;
/** a generated name is at most 63 characters: the prefix is cut to 58 */
const MAX_GENERATE_PREFIX = 63 - GENERATE_NAME_SUFFIX_LENGTH;

export function randomSuffix(n = GENERATE_NAME_SUFFIX_LENGTH): string {
  let s = '';
  for (let i = 0; i < n; i++) s += GENERATE_NAME_ALPHABET[randomInt(GENERATE_NAME_ALPHABET.length)];
  return s;
}

/** `generateName` + 5 random characters (the prefix cut so the result fits 63 characters). */
export function generateName(prefix: string): string {
  const base = prefix.length > MAX_GENERATE_PREFIX ? prefix.slice(0, MAX_GENERATE_PREFIX) : prefix;
  return base + randomSuffix();
}

export function newUid(): string {
  return randomUUID();
}

/** RFC 3339 in UTC without fractions: `2026-11-26T13:10:14Z`. */
export function rfc3339(date: Date = new Date()): string {
  const second = Math.floor(date.getTime() / 1000);
  if (second !== lastSecond || Number.isNaN(second)) {
    lastText = date.toISOString().replace(/\.\d+Z$/, 'Z');
    lastSecond = second;
  }
  return lastText;
}
// the last second formatted (every create in the same second shares it)
let lastSecond = NaN;
let lastText = '';

/** Accept client-node's millisecond timestamps (`…:34.000Z`) and emit them without fractions. */
export function normalizeTimestamp(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : rfc3339(new Date(t));
}

/** `apiVersion` for a group and version: `v1` for the core group, `apps/v1` otherwise. */
export function groupVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

function ensureMetadata(obj: KObject): void {
  if (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata)) {
    (obj as { metadata: unknown }).metadata = {};
  }
}

/**
 * Reconcile the body's namespace with the URL's (rest.EnsureObjectNamespaceMatchesRequestNamespace):
 * unset takes the URL's, a mismatch is 400, cluster-scoped objects have it cleared.
 */
export function reconcileNamespace(obj: KObject, urlNamespace: string, namespaced: boolean): void {
  ensureMetadata(obj);
  const meta = obj.metadata;
  if (!namespaced) {
    delete meta.namespace;
    return;
  }
  if (meta.namespace === undefined || meta.namespace === null || meta.namespace === '') meta.namespace = urlNamespace;
  else if (meta.namespace !== urlNamespace) {
    throw statusError('BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
  }
}

/** The body's name must match the URL's on update/patch (400 otherwise); unset takes the URL's. */
export function reconcileName(obj: KObject, urlName: string): void {
  ensureMetadata(obj);
  const name = obj.metadata.name;
  if (name === undefined || name === null || name === '') obj.metadata.name = urlName;
  else if (name !== urlName) {
    throw statusError('BadRequest', `the name of the object (${String(name)}) does not match the name on the URL (${urlName})`);
  }
}
