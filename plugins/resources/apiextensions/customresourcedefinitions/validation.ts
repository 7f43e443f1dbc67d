/**
 * CustomResourceDefinition validation (apiextensions-apiserver ValidateCustomResourceDefinition,
 * the parts a stored-and-validated CRD needs): the name rule, group, scope, versions (exactly one
 * storage version), names, a schema per version, subresources, printer columns, conversion,
 * stored versions. The schemas themselves (structural rules, defaults, CEL rules) are checked by
 * plugins/apiextensions/schema. Field paths are Kubernetes' own (internal names such as
 * `conversion.webhookClientConfig` and `additionalPrinterColumns[i].JSONPath`).
 */
import { child, forbidden, index, invalid, notSupported, required, type FieldError } from '../../shared/field-errors';
import { validateEnum } from '../../shared/groups-validation';
import { isDNS1035Label, isDNS1123Subdomain } from '../../shared/names';
import { arr, isRecord, recs, str, type Json } from '../../shared/object';

const SCOPES = ['Cluster', 'Namespaced'];
const CONVERSION_STRATEGIES = ['None', 'Webhook'];
const ACCEPTED_REVIEW_VERSIONS = ['v1', 'v1beta1'];
const COLUMN_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const COLUMN_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];

function dns1035(value: string, path: string, errors: FieldError[], opts: { lower?: boolean; prefix?: string } = {}): void {
  const errs = isDNS1035Label(opts.lower ? value.toLowerCase() : value);
  if (value && errs.length) errors.push(invalid(path, value, (opts.prefix ?? '') + errs.join(',')));
}

/** ValidateCustomResourceDefinitionNames (spec.names and status.acceptedNames) */
export function validateNames(names: Json, path: string, errors: FieldError[]): void {
  dns1035(str(names.plural), child(path, 'plural'), errors);
  dns1035(str(names.singular), child(path, 'singular'), errors);
  dns1035(str(names.kind), child(path, 'kind'), errors, { lower: true, prefix: 'may have mixed case, but should otherwise match: ' });
  dns1035(str(names.listKind), child(path, 'listKind'), errors, { lower: true, prefix: 'may have mixed case, but should otherwise match: ' });
  arr(names.shortNames).forEach((s, i) => {
    const errs = isDNS1035Label(str(s));
    if (errs.length) errors.push(invalid(index(child(path, 'shortNames'), i), s, errs.join(',')));
  });
  if (str(names.kind) && names.kind === names.listKind) errors.push(invalid(child(path, 'listKind'), names.listKind, 'kind and listKind may not be the same'));
  arr(names.categories).forEach((c, i) => {
    const errs = isDNS1035Label(str(c));
    if (errs.length) errors.push(invalid(index(child(path, 'categories'), i), c, errs.join(',')));
  });
}

function validateVersionSchema(version: Json, path: string, errors: FieldError[]): void {
  const schemaPath = child(path, 'schema', 'openAPIV3Schema');
  const schema = isRecord(version.schema) ? version.schema.openAPIV3Schema : undefined;
  if (!isRecord(schema)) {
    errors.push(required(schemaPath, 'schemas are required'));
    return;
  }
  // the structural rules, defaults and CEL rules of the schema: plugins/apiextensions/schema
}

function validateSimpleJSONPath(value: string, path: string, errors: FieldError[]): boolean {
  if (!value.startsWith('.')) {
    errors.push(invalid(path, value, 'must be a simple json path starting with .'));
    return false;
  }
  return true;
}

function validateSubresources(sub: unknown, path: string, errors: FieldError[]): void {
  if (!isRecord(sub) || !isRecord(sub.scale)) return;
  const scale = sub.scale;
  const spec = str(scale.specReplicasPath);
  const specPath = child(path, 'scale.specReplicasPath');
  if (!spec) errors.push(required(specPath));
  else if (validateSimpleJSONPath(spec, specPath, errors) && !spec.startsWith('.spec.')) errors.push(invalid(specPath, spec, 'should be a json path under .spec'));
  const status = str(scale.statusReplicasPath);
  const statusPath = child(path, 'scale.statusReplicasPath');
  if (!status) errors.push(required(statusPath));
  else if (validateSimpleJSONPath(status, statusPath, errors) && !status.startsWith('.status.')) errors.push(invalid(statusPath, status, 'should be a json path under .status'));
  const selector = str(scale.labelSelectorPath);
  const selectorPath = child(path, 'scale.labelSelectorPath');
  if (selector && validateSimpleJSONPath(selector, selectorPath, errors) && !selector.startsWith('.spec.') && !selector.startsWith('.status.')) {
    errors.push(invalid(selectorPath, selector, 'should be a json path under either .spec or .status'));
  }
}

function validateColumns(columns: unknown, path: string, errors: FieldError[]): void {
  recs(columns).forEach((col, i) => {
    const p = index(path, i);
    if (!str(col.name)) errors.push(required(child(p, 'name')));
    const type = str(col.type);
    if (!type) errors.push(required(child(p, 'type'), `must be one of ${COLUMN_TYPES.join(',')}`));
    else if (!COLUMN_TYPES.includes(type)) errors.push(invalid(child(p, 'type'), type, `must be one of ${COLUMN_TYPES.join(',')}`));
    const format = str(col.format);
    if (format && !COLUMN_FORMATS.includes(format)) errors.push(invalid(child(p, 'format'), format, `must be one of ${COLUMN_FORMATS.join(',')}`));
    const jsonPath = str(col.jsonPath);
    if (!jsonPath) errors.push(required(child(p, 'JSONPath')));
    else validateSimpleJSONPath(jsonPath, child(p, 'JSONPath'), errors);
  });
}

function validateConversion(conversion: unknown, errors: FieldError[]): void {
  if (!isRecord(conversion)) return;
  const path = 'spec.conversion';
  validateEnum(conversion.strategy, child(path, 'strategy'), CONVERSION_STRATEGIES, errors);
  const webhook: Json = isRecord(conversion.webhook) ? conversion.webhook : {};
  const cc = webhook.clientConfig;
  const reviewVersions = arr(webhook.conversionReviewVersions).map(String);
  if (conversion.strategy !== 'Webhook') {
    if (isRecord(cc)) errors.push(forbidden(child(path, 'webhookClientConfig'), 'should not be set when strategy is not set to Webhook'));
    if (reviewVersions.length) errors.push(forbidden(child(path, 'conversionReviewVersions'), 'should not be set when strategy is not set to Webhook'));
    return;
  }
  if (!isRecord(cc)) errors.push(required(child(path, 'webhookClientConfig'), 'required when strategy is set to Webhook'));
  else if (isRecord(cc.service) === (typeof cc.url === 'string')) errors.push(required(child(path, 'webhookClientConfig'), 'exactly one of url or service is required'));
  else if (isRecord(cc.service)) {
    const svcPath = child(path, 'webhookClientConfig', 'service');
    if (!str(cc.service.name)) errors.push(required(child(svcPath, 'name'), 'service name is required'));
    if (!str(cc.service.namespace)) errors.push(required(child(svcPath, 'namespace'), 'service namespace is required'));
  } else if (!str(cc.url).startsWith('https://')) {
    errors.push(invalid(child(path, 'webhookClientConfig', 'url'), cc.url, "'https' is the only allowed URL scheme"));
  }
  const rvPath = child(path, 'conversionReviewVersions');
  if (reviewVersions.length === 0) {
    errors.push(required(rvPath));
    return;
  }
  const seen = new Set<string>();
  reviewVersions.forEach((v, i) => {
    if (seen.has(v)) errors.push(invalid(index(rvPath, i), v, 'duplicate version'));
    seen.add(v);
  });
  if (!reviewVersions.some((v) => ACCEPTED_REVIEW_VERSIONS.includes(v))) {
    errors.push(invalid(rvPath, reviewVersions, `must include at least one of ${ACCEPTED_REVIEW_VERSIONS.join(', ')}`));
  }
}

/** ValidateCustomResourceDefinitionStoredVersions */
export function validateStoredVersions(stored: unknown, versions: Json[], errors: FieldError[]): void {
  const list = arr(stored).map(String);
  const path = 'status.storedVersions';
  if (list.length === 0) {
    errors.push(invalid(path, [], 'must have at least one stored version'));
    return;
  }
  const names = new Set(versions.map((v) => str(v.name)));
  for (const v of versions) if (v.storage === true && !list.includes(str(v.name))) errors.push(invalid(path, str(v.name), `must have the storage version ${str(v.name)}`));
  list.forEach((v, i) => {
    if (!names.has(v)) errors.push(invalid(index(path, i), v, 'must appear in spec.versions'));
  });
}

export function validateCRD(crd: Json, errors: FieldError[]): void {
  const meta: Json = isRecord(crd.metadata) ? crd.metadata : {};
  const spec: Json = isRecord(crd.spec) ? crd.spec : {};
  const names: Json = isRecord(spec.names) ? spec.names : {};
  const group = str(spec.group);
  const name = str(meta.name);
  if (name && name !== `${str(names.plural)}.${group}`) errors.push(invalid('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));

  if (!group) errors.push(required('spec.group'));
  else if (isDNS1123Subdomain(group).length) errors.push(invalid('spec.group', group, isDNS1123Subdomain(group).join(',')));
  else if (group.split('.').length < 2) errors.push(invalid('spec.group', group, 'should be a domain with at least one dot'));
  validateEnum(spec.scope, 'spec.scope', SCOPES, errors);

  const versions = arr(spec.versions);
  let storage = 0;
  const seen = new Set<string>();
  let unique = true;
  versions.forEach((x, i) => {
    const path = index('spec.versions', i);
    const v: Json = isRecord(x) ? x : {};
    const vname = str(v.name);
    if (!vname) errors.push(required(child(path, 'name')));
    else {
      const errs = isDNS1035Label(vname);
      if (errs.length) errors.push(invalid(child(path, 'name'), vname, errs.join(',')));
    }
    if (seen.has(vname)) unique = false;
    seen.add(vname);
    for (const flag of ['served', 'storage']) {
      if (v[flag] === undefined || v[flag] === null) errors.push(required(child(path, flag)));
      else if (typeof v[flag] !== 'boolean') errors.push({ type: 'FieldValueTypeInvalid', field: child(path, flag), message: `Invalid value: ${JSON.stringify(v[flag])}: must be a boolean` });
    }
    if (v.storage === true) storage++;
    validateVersionSchema(v, path, errors);
    validateSubresources(v.subresources, child(path, 'subresources'), errors);
    validateColumns(v.additionalPrinterColumns, child(path, 'additionalPrinterColumns'), errors);
    if (v.deprecated !== true && v.deprecationWarning !== undefined && v.deprecationWarning !== null) {
      errors.push(invalid(child(path, 'deprecationWarning'), v.deprecationWarning, 'can only be set for deprecated versions'));
    }
  });
  if (!unique) errors.push(invalid('spec.versions', versions, 'must contain unique version names'));
  if (storage !== 1) errors.push(invalid('spec.versions', versions, 'must have exactly one version marked as storage version'));

  for (const f of ['plural', 'singular', 'kind', 'listKind']) if (!str(names[f])) errors.push(required(`spec.names.${f}`));
  validateNames(names, 'spec.names', errors);
  validateConversion(spec.conversion, errors);
  const status: Json = isRecord(crd.status) ? crd.status : {};
  if (isRecord(status.acceptedNames)) validateNames(status.acceptedNames, 'status.acceptedNames', errors);
}
