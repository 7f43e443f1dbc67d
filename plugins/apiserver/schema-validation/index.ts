import { checkAgainstSchema, pruneUnknownFields } from '../../../core/api/openapi/validate';
import { getSchemaRegistry } from '../../../core/api/openapi/schemas';
import { definePlugin } from '../../../core/plugin/define';
import { getApiHooks, type DecodeInfo } from '../../../core/registry/registry';
import type { KObject } from '../../../core/registry/types';

export { getBuiltinSchema, getSchema, getSchemaRegistry, SchemaRegistry } from '../../../core/api/openapi/schemas';
export { checkAgainstSchema, pruneUnknownFields } from '../../../core/api/openapi/validate';

const PLUGIN_NAME = 'SchemaValidation';

interface Options {
  /** report missing required fields as FieldValueRequired (default true) */
  required: boolean;
  /** remove unknown fields from the object, as Kubernetes' decoder does for Warn and Ignore (default true) */
  prune: boolean;
}

/** The schema a written body is checked against: the version's kind, or autoscaling/v1 Scale on /scale. */
export function schemaForDecode(obj: KObject, info: DecodeInfo): string | undefined {
  const sub = info.ctx.requestInfo?.subresource ?? '';
  const def = info.resource.definition;
  if (def.servedBy) return undefined; // custom resources: their server prunes and validates with the CRD schema
  if (sub === 'scale' && def.subresources?.scale) return obj.kind === undefined || obj.kind === 'Scale' ? 'io.k8s.api.autoscaling.v1.Scale' : undefined;
  if (sub !== '' && sub !== 'status') return undefined; // custom subresources check their own bodies
  if (obj.kind !== undefined && obj.kind !== def.names.kind) return undefined; // not this kind: the store rejects it
  return info.resource.version(info.version)?.schemaRef;
}

/**
 * Decode-time schema checks (Kubernetes' strict decoding): taps `api.decode` and reports unknown
 * fields by path into `info.unknownFields` (the store answers 400 for Strict and warns for Warn;
 * with Ignore they are not reported) and removes them from the object, and reports wrong JSON
 * types, bad formats and missing required fields into `info.errors`, for every resource version
 * whose definition has a `schemaRef`.
 */
export default definePlugin<Options>({
  name: PLUGIN_NAME,
  area: 'apiserver',
  description: 'Checks written objects against their OpenAPI schemas (unknown fields, types) for fieldValidation',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { required: { type: 'boolean', default: true }, prune: { type: 'boolean', default: true } },
  },
  apply(server, options) {
    const reportRequired = options?.required !== false;
    const prune = options?.prune !== false;
    getApiHooks(server).decode.tap(PLUGIN_NAME, (obj, info) => {
      const name = schemaForDecode(obj, info);
      if (!name) return;
      const result = checkAgainstSchema(name, obj, getSchemaRegistry(server), { required: reportRequired });
      if (info.fieldValidation !== 'Ignore') info.unknownFields.push(...result.unknownFields);
      info.errors.push(...result.errors);
      if (prune) pruneUnknownFields(obj, result);
    });
  },
});
