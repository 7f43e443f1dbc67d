/**
 * Namespace (core/v1 namespaces, cluster-scoped): phase Active, the `kubernetes` finalizer in
 * spec.finalizers, the `kubernetes.io/metadata.name` label, status and finalize subresources.
 */
import { statusError } from '../../../../core/api/status';
import type { ApiResponse, RequestContext } from '../../../../core/pipeline/types';
import type { CustomSubresource, KObject, SubresourceTarget } from '../../../../core/registry/types';
import type { Server } from '../../../../core/server/server';
import { age } from '../../shared/age';
import { index, invalid, type FieldError } from '../../shared/field-errors';
import { isQualifiedName } from '../../shared/names';
import { arr, clone, ensure, isRecord, str, type Json } from '../../shared/object';
import { AGE_COLUMN, column, NAME_COLUMN } from '../../shared/printer';
import { defineResourcePlugin, subresourceOf } from '../../shared/resource-plugin';
import { guaranteedUpdate, jsonBody } from '../../shared/store-access';
import { onlyV1 } from '../../shared/versions';

export const FINALIZER_KUBERNETES = 'kubernetes';
export const LABEL_METADATA_NAME = 'kubernetes.io/metadata.name';

export interface NamespaceOptions {
  /**
   * Kubernetes semantics on DELETE: the namespace stays `Terminating` until spec.finalizers is
   * empty (the namespace controller empties it through /finalize and deletes again). Off until that
   * controller is enabled (it calls `enableNamespaceFinalization(server)`), so until then a DELETE
   * removes the namespace at once.
   */
  keepUntilFinalized?: boolean;
}

const finalizing = new WeakSet<object>();

/**
 * Called by the namespace controller (in its apply): from now on a DELETE keeps the namespace
 * Terminating until its spec.finalizers are empty, as the option `keepUntilFinalized` does.
 */
export function enableNamespaceFinalization(server: object): void {
  finalizing.add(server);
}

function validateFinalizers(list: unknown, path: string, errors: FieldError[]): void {
  arr(list).forEach((f, i) => {
    const name = str(f);
    const p = index(path, i);
    for (const msg of isQualifiedName(name)) errors.push(invalid(p, name, msg));
    if (name !== FINALIZER_KUBERNETES && !name.includes('/') && isQualifiedName(name).length === 0) {
      errors.push(invalid(p, name, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  });
}

function finalizeSubresource(server: Server): CustomSubresource {
  return {
    name: 'finalize',
    verbs: ['update'],
    kind: 'Namespace',
    async handle(ctx: RequestContext, target: SubresourceTarget): Promise<ApiResponse> {
      if (ctx.method !== 'PUT') throw statusError('MethodNotAllowed', 'the server does not allow this method on the requested resource');
      const body = jsonBody(ctx.body);
      const finalizers = arr(isRecord(body.spec) ? body.spec.finalizers : undefined).map(String);
      const errors: FieldError[] = [];
      validateFinalizers(finalizers, 'spec.finalizers', errors);
      if (errors.length) {
        throw statusError('Invalid', `Namespace "${target.name}" is invalid: ${errors.map((e) => `${e.field}: ${e.message}`).join(', ')}`, {
          name: target.name,
          kind: 'Namespace',
          causes: errors.map((e) => ({ reason: e.type, message: e.message, field: e.field })),
        });
      }
      const updated = await guaranteedUpdate(server, target.resource, '', target.name, (ns) => {
        const rv = (body.metadata as Json | undefined)?.resourceVersion;
        if (typeof rv === 'string' && rv !== '' && rv !== ns.metadata.resourceVersion) {
          throw statusError('Conflict', `Operation cannot be fulfilled on namespaces "${target.name}": the object has been modified; please apply your changes to the latest version and try again`, { name: target.name, kind: 'namespaces' });
        }
        ensure(ns as Json, 'spec').finalizers = finalizers;
      });
      return { status: 200, body: updated };
    },
  };
}

export default defineResourcePlugin<NamespaceOptions>({
  name: 'Namespace',
  description: 'core/v1 namespaces: phase, kubernetes finalizer, metadata.name label, status and finalize subresources',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { keepUntilFinalized: { type: 'boolean', default: false } },
  },
  definition: (_options, server) => ({
    group: '',
    versions: onlyV1('', 'Namespace'),
    names: { plural: 'namespaces', singular: 'namespace', kind: 'Namespace', listKind: 'NamespaceList', shortNames: ['ns'] },
    namespaced: false,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    generation: 'none',
    nameValidation: 'DNS1123Label',
    subresources: { status: true, custom: [finalizeSubresource(server)] },
    printer: {
      columns: [NAME_COLUMN, column('Status', 'The status of the namespace'), AGE_COLUMN],
      row: (obj: KObject, now: Date) => [obj.metadata.name ?? '', str((obj.status as Json | undefined)?.phase), age(obj, now)],
    },
    fieldSelectors: { 'status.phase': (obj: KObject) => str((obj.status as Json | undefined)?.phase) },
  }),
  defaults(obj) {
    const name = obj.metadata.name;
    if (name) obj.metadata.labels = { ...(obj.metadata.labels ?? {}), [LABEL_METADATA_NAME]: name };
    const status = ensure(obj as Json, 'status');
    if (obj.metadata.deletionTimestamp) status.phase = 'Terminating';
    else if (!status.phase) status.phase = 'Active';
  },
  prepareForCreate(obj) {
    (obj as Json).status = { phase: 'Active' };
    const spec = ensure(obj as Json, 'spec');
    const finalizers = arr(spec.finalizers).map(String);
    if (!finalizers.includes(FINALIZER_KUBERNETES)) finalizers.push(FINALIZER_KUBERNETES);
    spec.finalizers = finalizers;
  },
  prepareForUpdate(obj, old, ctx) {
    // spec.finalizers only change through /finalize
    if (subresourceOf(ctx) !== 'status') {
      const oldFinalizers = isRecord(old.spec) ? old.spec.finalizers : undefined;
      const spec = ensure(obj as Json, 'spec');
      if (oldFinalizers === undefined) delete spec.finalizers;
      else spec.finalizers = clone(oldFinalizers);
    }
    const name = old.metadata.name;
    if (name) obj.metadata.labels = { ...(obj.metadata.labels ?? {}), [LABEL_METADATA_NAME]: name };
  },
  validate(obj, errors) {
    validateFinalizers(isRecord(obj.spec) ? obj.spec.finalizers : undefined, 'spec.finalizers', errors);
  },
  validateStatusUpdate(obj, _old, errors) {
    const phase = str((obj.status as Json | undefined)?.phase);
    if (!obj.metadata.deletionTimestamp) {
      if (phase !== 'Active') errors.push(invalid('status.phase', phase, "may only be 'Active' if `deletionTimestamp` is empty"));
    } else if (phase !== 'Terminating') errors.push(invalid('status.phase', phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"));
  },
  setup(server, resource, options) {
    if (options.keepUntilFinalized) finalizing.add(server);
    resource.hooks.gracefulDelete.tap('Namespace', (ns) => {
      if (!finalizing.has(server)) return undefined;
      const finalizers = arr(isRecord(ns.spec) ? ns.spec.finalizers : undefined);
      return finalizers.length > 0 ? 1 : 0;
    });
  },
});
