/** Object references shared by the networking.k8s.io plugins (Ingress resource backends, IngressClass parameters). */
import { child, forbidden, invalid, notSupported, required, type FieldError } from '../shared/field-errors';
import { isDNS1123Label, isDNS1123Subdomain, isPathSegmentName } from '../shared/names';
import { str, type Json } from '../shared/object';

const SCOPES = ['Cluster', 'Namespace'];

function validateGroupKindName(ref: Json, path: string, errors: FieldError[]): void {
  if (ref.apiGroup !== undefined && ref.apiGroup !== null) {
    const g = str(ref.apiGroup);
    for (const msg of isDNS1123Subdomain(g)) errors.push(invalid(child(path, 'apiGroup'), g, msg));
  }
  for (const f of ['kind', 'name']) {
    const v = str(ref[f]);
    if (!v) errors.push(required(child(path, f)));
    else for (const msg of isPathSegmentName(v)) errors.push(invalid(child(path, f), v, msg));
  }
}

/** validateIngressTypedLocalObjectReference (an Ingress `resource` backend) */
export function validateTypedLocalObjectReference(ref: Json, path: string, errors: FieldError[]): void {
  validateGroupKindName(ref, path, errors);
}

/** validateIngressClassParametersReference: group/kind/name plus scope and namespace. */
export function validateParametersReference(ref: Json, path: string, errors: FieldError[]): void {
  validateGroupKindName(ref, path, errors);
  if (ref.scope === undefined || ref.scope === null) {
    errors.push(required(child(path, 'scope')));
    return;
  }
  const scope = str(ref.scope);
  if (!SCOPES.includes(scope)) {
    errors.push(notSupported(child(path, 'scope'), ref.scope, SCOPES));
    return;
  }
  const hasNamespace = ref.namespace !== undefined && ref.namespace !== null;
  if (scope === 'Namespace') {
    if (!hasNamespace) errors.push(required(child(path, 'namespace'), "`parameters.scope` is set to 'Namespace'"));
    else for (const msg of isDNS1123Label(str(ref.namespace))) errors.push(invalid(child(path, 'namespace'), ref.namespace, msg));
  }
  if (scope === 'Cluster' && hasNamespace) errors.push(forbidden(child(path, 'namespace'), "`parameters.scope` is set to 'Cluster'"));
}
