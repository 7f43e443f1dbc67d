/**
 * IngressClass (networking.k8s.io/v1 ingressclasses, cluster-scoped): the controller that
 * implements a class (immutable) and its parameters reference; the default-class annotation.
 */
import type { KObject } from '../../../../core/registry/types';
import { age } from '../../shared/age';
import { tooLong, type FieldError } from '../../shared/field-errors';
import { validateDomainPrefixedPath, validateImmutable } from '../../shared/groups-validation';
import { isRecord, setDefault, str, type Json } from '../../shared/object';
import { AGE_COLUMN, column, NAME_COLUMN } from '../../shared/printer';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { onlyV1 } from '../../shared/versions';
import { validateParametersReference } from '../references';

export const GROUP = 'networking.k8s.io';
/** `"true"` marks the class Ingresses without ingressClassName get (admission, later) */
export const ANNOTATION_DEFAULT_CLASS = 'ingressclass.kubernetes.io/is-default-class';
const MAX_CONTROLLER_LENGTH = 250;

function specOf(obj: KObject): Json {
  return isRecord(obj.spec) ? obj.spec : {};
}

export function validateIngressClassSpec(spec: Json, errors: FieldError[]): void {
  const controller = str(spec.controller);
  if (controller.length > MAX_CONTROLLER_LENGTH) errors.push(tooLong('spec.controller', MAX_CONTROLLER_LENGTH));
  validateDomainPrefixedPath(controller, 'spec.controller', errors);
  if (isRecord(spec.parameters)) validateParametersReference(spec.parameters, 'spec.parameters', errors);
}

/** `Kind[.apiGroup]/name`, `<none>` without parameters (printIngressClass) */
export function parametersCell(spec: Json): string {
  if (!isRecord(spec.parameters)) return '<none>';
  const p = spec.parameters;
  const kind = typeof p.apiGroup === 'string' ? `${str(p.kind)}.${p.apiGroup}` : str(p.kind);
  return `${kind}/${str(p.name)}`;
}

export function isDefaultIngressClass(obj: KObject): boolean {
  return obj.metadata.annotations?.[ANNOTATION_DEFAULT_CLASS] === 'true';
}

export default defineResourcePlugin({
  name: 'IngressClass',
  description: 'networking.k8s.io/v1 ingressclasses: controller (immutable) and parameters validation, printer',
  definition: {
    group: GROUP,
    versions: onlyV1(GROUP, 'IngressClass'),
    names: { plural: 'ingressclasses', singular: 'ingressclass', kind: 'IngressClass', listKind: 'IngressClassList' },
    namespaced: false,
    generation: 'spec',
    printer: {
      columns: [
        NAME_COLUMN,
        column('Controller', 'Controller that is responsible for handling this class'),
        column('Parameters', 'A reference to a resource with additional parameters'),
        AGE_COLUMN,
      ],
      row: (obj: KObject, now: Date) => [obj.metadata.name ?? '', str(specOf(obj).controller), parametersCell(specOf(obj)), age(obj, now)],
    },
  },
  defaults(obj) {
    const spec = specOf(obj);
    if (isRecord(spec.parameters)) setDefault(spec.parameters, 'scope', 'Cluster');
  },
  validate(obj, errors) {
    validateIngressClassSpec(specOf(obj), errors);
  },
  validateUpdate(obj, old, errors) {
    validateImmutable(obj, old, 'spec.controller', errors);
  },
});
