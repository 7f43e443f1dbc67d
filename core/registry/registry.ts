import { AsyncSeriesHook, SyncBailHook, SyncHook } from 'tapable';
import type { RequestContext } from '../pipeline/types';
import { defineComponentHooks, type HasHookIndex } from '../server/hook-index';
import type { AdmissionAttributes, CustomSubresource, FieldError, KObject, RegisteredResourceRef, ResourceDefinition, VersionDefinition } from './types';

/**
 * The API machinery's own hooks (owner `api`): admission, and the decode step where schema
 * validation plugs in. Every resource additionally gets a strategy hook record (`createStrategyHooks`).
 */
export const getApiHooks = defineComponentHooks('api', () => ({
  /** decoded body of a write, before defaults: schema checks push errors (Strict: unknown fields -> errors, Warn -> ctx.warnings) */
  decode: new SyncHook<[KObject, DecodeInfo]>(['obj', 'info']),
  /** mutating admission, in stage order; taps change attrs.object in place */
  mutatingAdmission: new AsyncSeriesHook<[AdmissionAttributes]>(['attrs']),
  /** validating admission; a tap denies by throwing a StatusError */
  validatingAdmission: new AsyncSeriesHook<[AdmissionAttributes]>(['attrs']),
  /** a resource was registered or removed (discovery and OpenAPI caches refresh) */
  resourcesChanged: new SyncHook<[ResourceRegistry]>(['registry']),
}));

export interface DecodeInfo {
  resource: RegisteredResource;
  version: string;
  /** Strict | Warn | Ignore (fieldValidation; kubectl sends Strict by default) */
  fieldValidation: 'Strict' | 'Warn' | 'Ignore';
  /** push schema errors here (422 Invalid, or 400 BadRequest strict decoding for unknown fields) */
  errors: FieldError[];
  /** unknown or duplicate fields found (Strict: 400; Warn: warnings) */
  unknownFields: string[];
  ctx: RequestContext;
}

/** The strategy hooks of one resource: the generic store calls them; resource plugins tap them. */
export function createStrategyHooks() {
  return Object.freeze({
    /** API defaults on the hub object (create, update, and objects read back) */
    defaults: new SyncHook<[KObject]>(['obj']),
    /** reset what a create may not set (e.g. status when there is a status subresource) */
    prepareForCreate: new SyncHook<[KObject, RequestContext]>(['obj', 'ctx']),
    /** carry over what an update may not change (e.g. status on the main endpoint) */
    prepareForUpdate: new SyncHook<[KObject, KObject, RequestContext]>(['obj', 'old', 'ctx']),
    /** field validation on create: push every error */
    validate: new SyncHook<[KObject, FieldError[], RequestContext]>(['obj', 'errors', 'ctx']),
    /** field validation on update (immutable fields): push every error */
    validateUpdate: new SyncHook<[KObject, KObject, FieldError[], RequestContext]>(['obj', 'old', 'errors', 'ctx']),
    /** after a write is stored (not on dry run) */
    afterWrite: new SyncHook<[KObject, 'CREATE' | 'UPDATE' | 'DELETE']>(['obj', 'operation']),
    /**
     * graceful deletion (pods): return the grace period in seconds to mark the object with
     * deletionTimestamp instead of deleting it now; undefined = delete at once (the default)
     */
    gracefulDelete: new SyncBailHook<[KObject, GracefulDeleteOptions], number | undefined>(['obj', 'options']),
  });
}

export type StrategyHooks = ReturnType<typeof createStrategyHooks>;

/** What a `gracefulDelete` tap is told about the DELETE request. */
export interface GracefulDeleteOptions {
  /** DeleteOptions.gracePeriodSeconds, when the client set it */
  gracePeriodSeconds?: number;
  ctx: RequestContext;
}

export interface RegisteredResource extends RegisteredResourceRef {
  readonly hooks: StrategyHooks;
  readonly storageVersion: VersionDefinition;
  /** `<plural>` or `<plural>.<group>` */
  readonly qualifiedName: string;
  version(name: string): VersionDefinition | undefined;
  /** storage key prefix of the whole resource, or of one namespace */
  prefix(namespace?: string): string;
}

/** GVR -> resource, as data (CRDs come and go at runtime; nothing here taps or untaps). */
export class ResourceRegistry {
  private readonly byGroupResource = new Map<string, RegisteredResource>();

  constructor(private readonly server: HasHookIndex) {}

  /** Register a resource; its strategy hooks are indexed as `resource.<plural>[.<group>].<hook>`. */
  register(definition: ResourceDefinition): RegisteredResource {
    const id = groupResource(definition.group, definition.names.plural);
    if (this.byGroupResource.has(id)) throw new Error(`resource ${id} is registered twice`);
    const storage = definition.versions.filter((v) => v.storage);
    if (storage.length !== 1) throw new Error(`resource ${id} must have exactly one storage version`);
    const hooks = createStrategyHooks();
    const group = definition.group || 'core';
    const plural = definition.names.plural;
    const registered: RegisteredResource = {
      definition,
      hooks,
      storageVersion: storage[0],
      qualifiedName: id,
      version: (name) => definition.versions.find((v) => v.name === name),
      prefix: (namespace) => (namespace ? `/registry/${group}/${plural}/${namespace}/` : `/registry/${group}/${plural}/`),
      key: (namespace, name) => (definition.namespaced ? `/registry/${group}/${plural}/${namespace}/${name}` : `/registry/${group}/${plural}/${name}`),
    };
    this.byGroupResource.set(id, registered);
    this.server.hookIndex.register(`resource.${id}`, hooks);
    this.changed();
    return registered;
  }

  /**
   * Add a custom subresource to a registered resource from another plugin (serviceaccounts/token
   * comes with authentication, not with the ServiceAccount plugin). The definition is replaced by a
   * copy that lists it, so the generic store serves it and discovery lists it.
   */
  addSubresource(group: string, plural: string, subresource: CustomSubresource): RegisteredResource {
    const r = this.byGroupResource.get(groupResource(group, plural));
    if (!r) throw new Error(`resource ${groupResource(group, plural)} is not registered`);
    const def = r.definition;
    const custom = def.subresources?.custom ?? [];
    if (custom.some((c) => c.name === subresource.name) || subresource.name === 'status' || subresource.name === 'scale') {
      throw new Error(`resource ${r.qualifiedName} already has a subresource ${subresource.name}`);
    }
    (r as { definition: ResourceDefinition }).definition = { ...def, subresources: { ...def.subresources, custom: [...custom, subresource] } };
    this.changed();
    return r;
  }

  /** Remove a runtime-registered resource (CRDs). */
  unregister(group: string, plural: string): void {
    const id = groupResource(group, plural);
    if (!this.byGroupResource.delete(id)) return;
    this.server.hookIndex.unregister(`resource.${id}`);
    this.changed();
  }

  /** The resource served at /apis/<group>/<version>/<plural> (served versions only). */
  lookup(group: string, version: string, plural: string): RegisteredResource | undefined {
    const r = this.byGroupResource.get(groupResource(group, plural));
    return r && r.version(version)?.served ? r : undefined;
  }

  get(group: string, plural: string): RegisteredResource | undefined {
    return this.byGroupResource.get(groupResource(group, plural));
  }

  byKind(group: string, kind: string): RegisteredResource | undefined {
    for (const r of this.byGroupResource.values()) if (r.definition.group === group && r.definition.names.kind === kind) return r;
    return undefined;
  }

  all(): RegisteredResource[] {
    return [...this.byGroupResource.values()];
  }

  private changed(): void {
    getApiHooks(this.server).resourcesChanged.call(this);
  }
}

function groupResource(group: string, plural: string): string {
  return group ? `${plural}.${group}` : plural;
}

const registries = new WeakMap<HasHookIndex, ResourceRegistry>();

/** The server's resource registry (created on first use). */
export function getResourceRegistry(server: HasHookIndex): ResourceRegistry {
  let r = registries.get(server);
  if (!r) registries.set(server, (r = new ResourceRegistry(server)));
  return r;
}
