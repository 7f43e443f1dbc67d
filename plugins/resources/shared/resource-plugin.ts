/**
 * `defineResourcePlugin`: one built-in resource as a plugin. It registers the ResourceDefinition
 * and taps the resource's strategy hooks with what every built-in gets (status reset on create,
 * status carried over on the main endpoint, spec carried over on /status, no spec validation of a
 * /status write) plus the kind's own defaults, preparation and validation.
 *
 * The generic store validates ObjectMeta itself (the name rule is `definition.nameValidation`) and
 * calls `validate` and then `validateUpdate` on updates, so `validate` here is the whole-object
 * check and `validateUpdate` only the update rules (immutable fields).
 */
import type { Server } from '../../../core/server/server';
import type { RequestContext } from '../../../core/pipeline/types';
import { builtinPatchSchema } from '../../../core/api/patch';
import { definePlugin, type OptionsSchema, type PluginDefinition } from '../../../core/plugin/define';
import { getResourceRegistry, type GracefulDeleteOptions, type RegisteredResource } from '../../../core/registry/registry';
import type { FieldError, KObject, ResourceDefinition } from '../../../core/registry/types';
import { clone, isRecord, type Json } from './object';

export interface ResourcePluginSpec<O> {
  /** the Kubernetes kind (`Pod`), unique in area `resources` */
  name: string;
  description: string;
  optionsSchema?: OptionsSchema;
  dependencies?: readonly string[];
  /** the definition, or a function of the plugin's options and the server (custom subresources) */
  definition: ResourceDefinition | ((options: O, server: Server) => ResourceDefinition);
  /** keep a client-set status on create (Node); default: reset when there is a status subresource */
  keepStatusOnCreate?: boolean;
  defaults?(obj: KObject): void;
  prepareForCreate?(obj: KObject, ctx: RequestContext): void;
  prepareForUpdate?(obj: KObject, old: KObject, ctx: RequestContext): void;
  /** the kind's validation of a whole object (create, and updates other than /status) */
  validate?(obj: KObject, errors: FieldError[], ctx: RequestContext | undefined): void;
  /** update-only rules (immutable fields); the store runs `validate` on the new object first */
  validateUpdate?(obj: KObject, old: KObject, errors: FieldError[], ctx: RequestContext): void;
  /** validation of a /status update (default: none beyond metadata) */
  validateStatusUpdate?(obj: KObject, old: KObject, errors: FieldError[], ctx: RequestContext): void;
  afterWrite?(obj: KObject, operation: 'CREATE' | 'UPDATE' | 'DELETE'): void;
  /** graceful deletion: seconds to keep the object marked with deletionTimestamp (pods) */
  gracefulDelete?(obj: KObject, options: GracefulDeleteOptions): number | undefined;
  /** extra wiring after registration (lifecycle taps, allocators) */
  setup?(server: Server, resource: RegisteredResource, options: O): void;
}

/** The subresource a request addresses ('' for the main endpoint). */
export function subresourceOf(ctx: RequestContext | undefined): string {
  return ctx?.requestInfo?.subresource ?? '';
}

/** Is this a dry-run write (`?dryRun=All`)? */
export function isDryRun(ctx: RequestContext | undefined): boolean {
  return !!ctx?.query?.getAll('dryRun').some((v) => v === 'All');
}

const STATUS_META_FIELDS = ['labels', 'annotations', 'finalizers', 'ownerReferences', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'];

/** /status writes change only status: everything else comes from the stored object. */
export function keepAllButStatus(obj: KObject, old: KObject): void {
  const o = obj as Json;
  const prev = old as Json;
  for (const key of new Set([...Object.keys(o), ...Object.keys(prev)])) {
    if (key === 'metadata' || key === 'status' || key === 'apiVersion' || key === 'kind') continue;
    if (prev[key] === undefined) delete o[key];
    else o[key] = clone(prev[key]);
  }
  const meta = obj.metadata as Json;
  const oldMeta = (old.metadata ?? {}) as Json;
  if (!isRecord(meta)) return;
  for (const f of STATUS_META_FIELDS) {
    if (oldMeta[f] === undefined) delete meta[f];
    else meta[f] = clone(oldMeta[f]);
  }
}

/** The strategic-merge-patch schema of a built-in kind (core/api/patch). */
export { builtinPatchSchema };

export function defineResourcePlugin<O = Record<string, never>>(spec: ResourcePluginSpec<O>): PluginDefinition<O> {
  const PLUGIN_NAME = spec.name;
  return definePlugin<O>({
    name: PLUGIN_NAME,
    area: 'resources',
    description: spec.description,
    optionsSchema: spec.optionsSchema,
    dependencies: spec.dependencies,
    apply(server, options) {
      const base = typeof spec.definition === 'function' ? spec.definition(options ?? ({} as O), server) : spec.definition;
      const definition: ResourceDefinition = base.patchSchema === undefined ? { ...base, patchSchema: builtinPatchSchema(base.names.kind) } : base;
      const resource = getResourceRegistry(server).register(definition);
      const hooks = resource.hooks;
      const hasStatus = !!definition.subresources?.status;
      const statusWrite = (ctx: RequestContext | undefined) => hasStatus && subresourceOf(ctx) === 'status';

      if (spec.defaults) hooks.defaults.tap(PLUGIN_NAME, (obj) => spec.defaults!(obj));
      hooks.prepareForCreate.tap(PLUGIN_NAME, (obj, ctx) => {
        if (hasStatus && !spec.keepStatusOnCreate) (obj as Json).status = {};
        spec.prepareForCreate?.(obj, ctx);
      });
      hooks.prepareForUpdate.tap(PLUGIN_NAME, (obj, old, ctx) => {
        const sub = subresourceOf(ctx);
        if (hasStatus && sub === 'status') keepAllButStatus(obj, old);
        else if (hasStatus) {
          if (old.status === undefined) delete (obj as Json).status;
          else (obj as Json).status = clone(old.status);
        }
        spec.prepareForUpdate?.(obj, old, ctx);
      });
      if (spec.validate) {
        hooks.validate.tap(PLUGIN_NAME, (obj, errors, ctx) => {
          if (!statusWrite(ctx)) spec.validate!(obj, errors, ctx);
        });
      }
      hooks.validateUpdate.tap(PLUGIN_NAME, (obj, old, errors, ctx) => {
        if (statusWrite(ctx)) spec.validateStatusUpdate?.(obj, old, errors, ctx);
        else spec.validateUpdate?.(obj, old, errors, ctx);
      });
      if (spec.afterWrite) hooks.afterWrite.tap(PLUGIN_NAME, (obj, op) => spec.afterWrite!(obj, op));
      if (spec.gracefulDelete) hooks.gracefulDelete.tap(PLUGIN_NAME, (obj, opts) => spec.gracefulDelete!(obj, opts));
      spec.setup?.(server, resource, options ?? ({} as O));
    },
  });
}
