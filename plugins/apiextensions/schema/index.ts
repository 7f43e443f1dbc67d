/**
 * CONTRACT between the APIExtensionServer plugin (serving custom resources) and the CRD schema
 * library (this folder). The signatures below are fixed; the bodies start as pass-throughs and are
 * replaced by the real implementation (ajv structural validation, pruning, defaulting,
 * x-kubernetes-* extensions, x-kubernetes-validations in CEL, OpenAPI v3 per version, conversion).
 *
 * The serving side calls, per request on a custom resource:
 *   create:  s = schemaFor(crd, version); s.prune(obj) -> s.applyDefaults(obj) -> s.validate(obj)
 *   update:  the same with `old` passed to validate (transition rules use oldSelf)
 *   read:    convertObjects(crd, objs, apiVersion) when the stored version differs from the asked one
 */
import type { FieldError, KObject } from '../../../core/registry/types';

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
   *  is given; messageExpression; reason; fieldPath) under a cost/time budget */
  validate(obj: KObject, old?: KObject): FieldError[];
  /** OpenAPI v3 schema of the kind in this version (for /openapi/v3 and `kubectl explain`) */
  openAPISchema(): Record<string, unknown>;
}

/** Compiled (and cached) schema of `version` of `crd`. */
export function schemaFor(crd: CustomResourceDefinition, version: string): VersionSchema {
  void crd;
  void version;
  return {
    prune: () => [],
    applyDefaults: () => undefined,
    validate: () => [],
    openAPISchema: () => ({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }),
  };
}

/**
 * Validate a CRD itself on create/update (structural schema rules as Kubernetes enforces them,
 * CEL rules that do not compile, versions/storage/conversion consistency). Paths start at `spec`.
 */
export function validateCustomResourceDefinition(crd: CustomResourceDefinition, old?: CustomResourceDefinition): FieldError[] {
  void crd;
  void old;
  return [];
}

/**
 * Convert objects to `apiVersion` (`<group>/<version>`): strategy None rewrites apiVersion;
 * Webhook sends a ConversionReview v1 over HTTPS (caBundle verified). Throws a Status error
 * (core/api/status) — 503 ServiceUnavailable when the webhook cannot be reached.
 */
export async function convertObjects(crd: CustomResourceDefinition, objects: KObject[], apiVersion: string): Promise<KObject[]> {
  return objects.map((o) => ({ ...o, apiVersion }));
}
