/**
 * CustomResourceDefinition (apiextensions.k8s.io/v1 customresourcedefinitions, cluster-scoped):
 * stored and validated here (name `<plural>.<group>`, versions, names, schemas, conversion),
 * with defaults and status.storedVersions. Serving the custom resources a CRD defines, the
 * NamesAccepted/Established conditions and conversion webhooks come in a later issue.
 */
import type { KObject } from '../../../../core/registry/types';
import { invalid } from '../../shared/field-errors';
import { validateImmutable } from '../../shared/groups-validation';
import { arr, ensure, isRecord, recs, setDefault, setDefaultString, str, type Json } from '../../shared/object';
import { defineResourcePlugin, subresourceOf } from '../../shared/resource-plugin';
import { onlyV1 } from '../../shared/versions';
import { validateCustomResourceDefinition, type CustomResourceDefinition } from '../../../apiextensions/schema';
import { validateNames, validateStoredVersions } from './validation';

export const GROUP = 'apiextensions.k8s.io';
/** objects being created (prepareForCreate runs before validate on the same object) */
const creating = new WeakSet<KObject>();

function specOf(obj: KObject): Json {
  return isRecord(obj.spec) ? obj.spec : {};
}

/** Is a condition of the CRD True (Established, NamesAccepted)? */
export function isConditionTrue(crd: KObject, type: string): boolean {
  const status: Json = isRecord(crd.status) ? crd.status : {};
  return recs(status.conditions).some((c) => c.type === type && c.status === 'True');
}

/** The storage version's name (undefined when there is not exactly one). */
export function storageVersionOf(crd: KObject): string | undefined {
  const storage = recs(specOf(crd).versions).filter((v) => v.storage === true);
  return storage.length === 1 ? str(storage[0].name) : undefined;
}

/** Stored versions only grow: add the current storage version when it is new. */
function addStoredVersion(crd: KObject): void {
  const v = storageVersionOf(crd);
  if (!v) return;
  const status = ensure(crd as Json, 'status');
  const stored = arr(status.storedVersions).map(String);
  if (!stored.includes(v)) status.storedVersions = [...stored, v];
}

export default defineResourcePlugin({
  name: 'CustomResourceDefinition',
  description: 'apiextensions.k8s.io/v1 customresourcedefinitions: defaults, validation, stored versions, status (serving comes later)',
  definition: {
    group: GROUP,
    versions: onlyV1(GROUP, 'CustomResourceDefinition'),
    names: {
      plural: 'customresourcedefinitions',
      singular: 'customresourcedefinition',
      kind: 'CustomResourceDefinition',
      listKind: 'CustomResourceDefinitionList',
      shortNames: ['crd', 'crds'],
      categories: ['api-extensions'],
    },
    namespaced: false,
    generation: 'spec',
    subresources: { status: true },
  },
  defaults(obj) {
    const spec = specOf(obj);
    const names = isRecord(spec.names) ? spec.names : undefined;
    if (names) {
      if (str(names.kind)) setDefaultString(names, 'singular', str(names.kind).toLowerCase());
      if (str(names.kind)) setDefaultString(names, 'listKind', `${str(names.kind)}List`);
    }
    if (isRecord(obj.spec)) setDefault(obj.spec, 'conversion', { strategy: 'None' });
    const conversion = isRecord(spec.conversion) ? spec.conversion : undefined;
    const svc = conversion && isRecord(conversion.webhook) && isRecord(conversion.webhook.clientConfig) ? conversion.webhook.clientConfig.service : undefined;
    if (isRecord(svc)) setDefault(svc, 'port', 443);
  },
  prepareForCreate(obj) {
    creating.add(obj);
    addStoredVersion(obj);
  },
  prepareForUpdate(obj, _old, ctx) {
    // a /status write (the storage version migrator trimming storedVersions) is taken as sent
    if (subresourceOf(ctx) !== 'status') addStoredVersion(obj);
  },
  validate(obj, errors) {
    errors.push(...validateCustomResourceDefinition(obj as CustomResourceDefinition));
    validateStoredVersions((obj.status as Json | undefined)?.storedVersions, recs(specOf(obj).versions), errors);
    if (creating.has(obj) && specOf(obj).preserveUnknownFields === true) {
      errors.push(invalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead'));
    }
  },
  validateUpdate(obj, old, errors) {
    // group and plural make the name: never changed; scope and kind are fixed once established
    validateImmutable(obj, old, 'spec.group', errors);
    validateImmutable(obj, old, 'spec.names.plural', errors);
    if (isConditionTrue(old, 'Established')) {
      validateImmutable(obj, old, 'spec.scope', errors);
      validateImmutable(obj, old, 'spec.names.kind', errors);
    }
    if (specOf(obj).preserveUnknownFields === true && specOf(old).preserveUnknownFields !== true) {
      errors.push(invalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead'));
    }
  },
  validateStatusUpdate(obj, _old, errors) {
    const status: Json = isRecord(obj.status) ? obj.status : {};
    if (isRecord(status.acceptedNames)) validateNames(status.acceptedNames, 'status.acceptedNames', errors);
  },
});
