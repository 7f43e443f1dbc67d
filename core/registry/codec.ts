/**
 * Objects between storage, the hub ("internal") shape and the served versions of one resource.
 *
 * Storage holds the storage version as JSON without metadata.resourceVersion (the revision of the
 * key is the resourceVersion, set on read). Read paths share hub objects (`CachedObject`) and never
 * mutate them. The JSON of a served version is kept with the object for the most recently
 * serialized SERIALIZED_CACHE_SIZE objects of a resource (GET and LIST of what is in use cost no
 * serialization; 100,000 cached pods do not hold their bytes twice). A watch event's line is built
 * from the same bytes, once, and shared by every watcher of that event while it is dispatched
 * (watch-serve.ts).
 */
import { groupVersion } from '../api/meta';
import type { RegisteredResource } from './registry';
import type { KObject, VersionDefinition } from './types';

/** One object state as read from storage (shared; treat as immutable). */
export interface CachedObject {
  readonly key: string;
  /** modRevision (the resourceVersion) */
  readonly revision: number;
  /** hub shape, resourceVersion set, defaults applied */
  readonly obj: KObject;
  /** JSON bytes per served version while the object is among the resource's recently serialized */
  json?: Map<string, Buffer>;
  /** JSON of metadata (Table rows, PartialObjectMetadata), filled on first use */
  metadataJson?: string;
}

/** Deep copy of a JSON object. */
export function cloneObject<T>(obj: T): T {
  return JSON.parse(JSON.stringify(obj)) as T;
}

/** How many objects of one resource keep their JSON bytes (a FIFO: the oldest give theirs up). */
export const SERIALIZED_CACHE_SIZE = 4096;

export class Codec {
  readonly storageVersion: VersionDefinition;
  /** the objects holding JSON bytes, oldest at `serializedNext` once full */
  private readonly serialized: CachedObject[] = [];
  private serializedNext = 0;
  private readonly gvs = new Map<string, string>();
  /** every served version converts without code */
  private readonly identity: boolean;

  constructor(readonly resource: RegisteredResource) {
    this.storageVersion = resource.storageVersion;
    const def = resource.definition;
    for (const v of def.versions) this.gvs.set(v.name, groupVersion(def.group, v.name));
    this.identity = def.versions.every((v) => !v.toHub && !v.fromHub);
  }

  get kind(): string {
    return this.resource.definition.names.kind;
  }

  get listKind(): string {
    return this.resource.definition.names.listKind ?? `${this.kind}List`;
  }

  apiVersion(version: string): string {
    return this.gvs.get(version) ?? groupVersion(this.resource.definition.group, version);
  }

  /** Decode a stored value into a fresh hub object (the caller owns it). */
  decode(value: string, revision: number): KObject {
    let obj = JSON.parse(value) as KObject;
    if (typeof obj.metadata !== 'object' || obj.metadata === null) obj.metadata = {};
    obj.metadata.resourceVersion = String(revision);
    if (this.storageVersion.toHub) obj = this.storageVersion.toHub(obj);
    if (this.resource.hooks.defaults.taps.length > 0) this.resource.hooks.defaults.call(obj);
    return obj;
  }

  cached(key: string, value: string, revision: number): CachedObject {
    return { key, revision, obj: this.decode(value, revision) };
  }

  /** The storage form of a hub object: storage version, no resourceVersion, TypeMeta first. */
  encode(hub: KObject): string {
    const v = this.storageVersion;
    const obj = v.fromHub ? v.fromHub(cloneObject(hub)) : hub;
    const { resourceVersion: _rv, ...metadata } = obj.metadata ?? {};
    const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = obj;
    return JSON.stringify({ apiVersion: this.apiVersion(v.name), kind: this.kind, metadata, ...rest });
  }

  /** A request-version object into a fresh hub object. */
  toHub(obj: KObject, version: string): KObject {
    const v = this.resource.version(version);
    return v?.toHub ? v.toHub(obj) : obj;
  }

  /**
   * A hub object in `version`. Shares the hub object when no conversion is needed (do not mutate
   * the result unless `hub` is yours).
   */
  toVersion(hub: KObject, version: string): KObject {
    const apiVersion = this.apiVersion(version);
    const kind = this.kind;
    const v = this.resource.version(version);
    let out = hub;
    if (v?.fromHub) out = v.fromHub(cloneObject(hub));
    if (out.apiVersion === apiVersion && out.kind === kind) return out;
    return Object.assign({ apiVersion, kind }, out, { apiVersion, kind });
  }

  /** JSON bytes of a cached object in `version`, kept while the object is among the recently serialized. */
  json(entry: CachedObject, version: string): Buffer {
    let m = entry.json;
    const hit = m?.get(version);
    if (hit !== undefined) return hit;
    const b = Buffer.from(JSON.stringify(this.toVersion(entry.obj, version)));
    if (!m) {
      m = entry.json = new Map();
      if (this.serialized.length < SERIALIZED_CACHE_SIZE) this.serialized.push(entry);
      else {
        this.serialized[this.serializedNext].json = undefined;
        this.serialized[this.serializedNext] = entry;
        this.serializedNext = (this.serializedNext + 1) % SERIALIZED_CACHE_SIZE;
      }
    }
    m.set(version, b);
    return b;
  }

  /** true when no served version has conversion code */
  get conversionFree(): boolean {
    return this.identity;
  }
}
