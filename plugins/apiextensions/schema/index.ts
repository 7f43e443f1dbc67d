/**
 * CONTRACT between the APIExtensionServer plugin (serving custom resources) and the CRD schema
 * library (this folder). The signatures below are fixed (optional additions only). The work is in
 * the files beside this one: ajv.ts (OpenAPI value validation), prune.ts (pruning, defaulting),
 * lists.ts (list-type uniqueness), rules.ts (x-kubernetes-validations in CEL), structural.ts and
 * crd-validation.ts (validating the CRD itself), openapi.ts (published schema), conversion.ts.
 *
 * The serving side calls, per request on a custom resource:
 *   create:  s = schemaFor(crd, version); s.prune(obj) -> s.applyDefaults(obj) -> s.validate(obj)
 *   update:  the same with `old` passed to validate (transition rules use oldSelf)
 *   read:    convertObjects(crd, objs, apiVersion) when the stored version differs from the asked one
 */
import type { ValidateFunction } from 'ajv';
import { newBudget, type CelBudget } from '../../../core/api/cel';
import type { Client } from '../../../core/client/types';
import type { FieldError, KObject } from '../../../core/registry/types';
import { compileValidator, runValidator } from './ajv';
import { convert, type ConvertOptions, type WebhookService } from './conversion';
import { validateCRDFull } from './crd-validation';
import { validateEmbedded } from './embedded';
import { validateLists } from './lists';
import { publishedSchema } from './openapi';
import { ratchet } from './ratchet';
import { defaultValue, pruneValue } from './prune';
import { buildRuleTree, celValue, evaluateRules, type RuleNode, type RuleRun } from './rules';
import { isObj, type Schema } from './types';

export type { ConvertOptions, WebhookService } from './conversion';

/** apiextensions.k8s.io/v1 CustomResourceDefinition, as stored (loosely typed JSON). */
export interface CustomResourceDefinition extends KObject {
  spec: {
    group: string;
    names: { plural: string; singular?: string; kind: string; listKind?: string; shortNames?: string[]; categories?: string[] };
    scope: 'Namespaced' | 'Cluster';
    versions: Array<{
      name: string;
      served: boolean;
      storage: boolean;
      deprecated?: boolean;
      deprecationWarning?: string;
      schema?: { openAPIV3Schema?: Record<string, unknown> };
      subresources?: { status?: object; scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string } };
      additionalPrinterColumns?: Array<{ name: string; type: string; format?: string; description?: string; priority?: number; jsonPath: string }>;
      selectableFields?: Array<{ jsonPath: string }>;
    }>;
    conversion?: {
      strategy: 'None' | 'Webhook';
      webhook?: {
        conversionReviewVersions: string[];
        clientConfig?: { url?: string; caBundle?: string; service?: { namespace: string; name: string; path?: string; port?: number } };
      };
    };
    preserveUnknownFields?: boolean;
  };
  status?: Record<string, unknown>;
}

/** The compiled schema of one served version (cached per CRD uid + resourceVersion + version). */
export interface VersionSchema {
  /** drop fields the schema does not know (honouring x-kubernetes-preserve-unknown-fields,
   *  x-kubernetes-embedded-resource); returns the dotted paths dropped (for fieldValidation
   *  Strict = 400 BadRequest / Warn = warnings) */
  prune(obj: KObject): string[];
  /** apply `default:` values from the schema, in place */
  applyDefaults(obj: KObject): void;
  /** every field error: OpenAPI v3 structural checks (ajv), x-kubernetes-int-or-string,
   *  list-type/map-keys uniqueness, and x-kubernetes-validations CEL rules (oldSelf when `old`
   *  is given; messageExpression; reason; fieldPath) under a cost/time budget (`budget`: the
   *  request's, shared with other evaluations; default a fresh CEL_BUDGET_MS one) */
  validate(obj: KObject, old?: KObject, budget?: CelBudget): FieldError[];
  /** OpenAPI v3 schema of the kind in this version (for /openapi/v3 and `kubectl explain`) */
  openAPISchema(): Record<string, unknown>;
}

/** Wall-clock budget for the CEL rules of one validate() call (one request). */
export const CEL_BUDGET_MS = 250;
/** At most this many compiled versions are kept (oldest dropped first). */
const CACHE_LIMIT = 500;
const PRESERVE_ALL: Schema = Object.freeze({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }) as Schema;

const cache = new Map<string, { resourceVersion: string; schema: VersionSchema }>();
let compilations = 0;

/** How many versions were compiled so far (for tests of the cache). */
export function compiledCount(): number {
  return compilations;
}

function blocking(errors: FieldError[]): boolean {
  return errors.some((e) => e.type === 'FieldValueTypeInvalid' || e.type === 'FieldValueNotSupported');
}

/** `self` at the root: the object with metadata reduced to name and generateName, as Kubernetes does. */
function rootForCel(obj: KObject): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  if (obj.metadata?.name !== undefined) meta.name = obj.metadata.name;
  if (obj.metadata?.generateName !== undefined) meta.generateName = obj.metadata.generateName;
  return { ...obj, metadata: meta };
}

function compileVersion(crd: CustomResourceDefinition, version: string): VersionSchema {
  compilations++;
  const v = crd.spec.versions.find((x) => x.name === version);
  const given = v?.schema?.openAPIV3Schema;
  const root: Schema = isObj(given) ? (given as Schema) : PRESERVE_ALL;
  let validator: ValidateFunction | undefined;
  let schemaError: string | undefined;
  try {
    validator = compileValidator(root);
  } catch (err) {
    // a stored CRD the current checks would refuse (e.g. a pattern that does not compile): every write says so
    schemaError = (err as Error).message.split('\n')[0];
  }
  let rules: RuleNode | undefined;
  let rulesError: string | undefined;
  try {
    rules = buildRuleTree(root);
  } catch (err) {
    rulesError = (err as Error).message.split('\n')[0];
  }
  const prunes = crd.spec.preserveUnknownFields !== true;
  return {
    prune(obj) {
      const dropped: string[] = [];
      if (prunes) pruneValue(obj, root, '', dropped, true);
      return dropped;
    },
    applyDefaults(obj) {
      defaultValue(obj, root, true);
    },
    validate(obj, old, budget) {
      if (!validator) return [{ type: 'InternalError', field: '', message: `Internal error: the schema of version ${version} does not compile: ${schemaError}` }];
      let errors = runValidator(validator, obj);
      validateEmbedded(obj, root, '', errors);
      if (old) errors = ratchet(errors, obj, old, root);
      validateLists(obj, root, '', errors);
      if (rulesError) errors.push({ type: 'InternalError', field: '', message: `Internal error: validation rules do not compile: ${rulesError}` });
      if (!rules) return errors;
      if (blocking(errors)) {
        errors.push({ type: 'FieldValueInvalid', field: '', message: 'Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation' });
        return errors;
      }
      const run: RuleRun = { budget: budget ?? newBudget(CEL_BUDGET_MS), errors, exhausted: false };
      const self = celValue(rootForCel(obj), root);
      const oldSelf = old ? celValue(rootForCel(old), root) : undefined;
      evaluateRules(rules, self, oldSelf, old !== undefined, '', run);
      return errors;
    },
    openAPISchema() {
      return publishedSchema(isObj(given) ? (given as Schema) : undefined, crd.spec.group, version, crd.spec.names.kind);
    },
  };
}

/** Compiled (and cached) schema of `version` of `crd`: compiled once per uid + resourceVersion + version. */
export function schemaFor(crd: CustomResourceDefinition, version: string): VersionSchema {
  const key = `${crd.metadata.uid ?? crd.metadata.name ?? ''}/${version}`;
  const rv = crd.metadata.resourceVersion ?? '';
  const hit = cache.get(key);
  if (hit && hit.resourceVersion === rv && rv !== '') return hit.schema;
  const schema = compileVersion(crd, version);
  cache.delete(key);
  cache.set(key, { resourceVersion: rv, schema });
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  return schema;
}

/**
 * Validate a CRD itself on create/update (structural schema rules as Kubernetes enforces them,
 * CEL rules that do not compile, versions/storage/conversion consistency). Paths start at `spec`.
 */
export function validateCustomResourceDefinition(crd: CustomResourceDefinition, old?: CustomResourceDefinition): FieldError[] {
  return validateCRDFull(crd as unknown as Record<string, unknown>, old as unknown as Record<string, unknown> | undefined);
}

/**
 * Convert objects to `apiVersion` (`<group>/<version>`): strategy None rewrites apiVersion;
 * Webhook sends a ConversionReview v1 over HTTPS (caBundle verified). Throws a Status error
 * (core/api/status) — 503 ServiceUnavailable when the webhook cannot be reached.
 * A webhook `service` is reached through `options.resolveService` (see `endpointsResolver`).
 */
export async function convertObjects(crd: CustomResourceDefinition, objects: KObject[], apiVersion: string, options?: ConvertOptions): Promise<KObject[]> {
  return convert(crd, objects, apiVersion, options);
}

/**
 * Resolve a webhook Service to one of its ready Endpoints addresses through a client (in-process
 * in the server): the Service port (default 443) picks the Endpoints port by name.
 */
export function endpointsResolver(client: Client): NonNullable<ConvertOptions['resolveService']> {
  return async (svc: WebhookService) => {
    const ref = { namespace: svc.namespace, name: svc.name };
    let service: KObject;
    let endpoints: KObject;
    try {
      service = await client.get({ group: '', version: 'v1', resource: 'services' }, ref);
      endpoints = await client.get({ group: '', version: 'v1', resource: 'endpoints' }, ref);
    } catch {
      return undefined;
    }
    const wanted = svc.port ?? 443;
    const ports = ((service.spec as { ports?: Array<{ name?: string; port: number; targetPort?: number | string }> } | undefined)?.ports ?? []);
    const sp = ports.find((p) => p.port === wanted);
    if (!sp) return undefined;
    const subsets = (endpoints.subsets as Array<{ addresses?: Array<{ ip: string }>; ports?: Array<{ name?: string; port: number }> }> | undefined) ?? [];
    for (const s of subsets) {
      const ip = s.addresses?.[0]?.ip;
      const port = (s.ports ?? []).find((p) => (p.name ?? '') === (sp.name ?? '')) ?? (s.ports?.length === 1 ? s.ports[0] : undefined);
      if (ip && port) return { host: ip, port: port.port };
    }
    return undefined;
  };
}
