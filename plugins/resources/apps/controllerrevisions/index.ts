/** ControllerRevision (apps/v1 controllerrevisions): revision >= 0, immutable data, the CONTROLLER/REVISION printer. */
import type { KObject } from '../../../../core/registry/types';
import { age } from '../../shared/age';
import { immutable, invalid, required } from '../../shared/field-errors';
import { groupKind, semanticEqual } from '../../shared/object';
import { AGE_COLUMN, column, NAME_COLUMN } from '../../shared/printer';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { onlyV1 } from '../../shared/versions';

/** `statefulset.apps/web` for the controller owner reference, `<none>` without one. */
export function controllerCell(obj: KObject): string {
  const ref = (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
  if (!ref) return '<none>';
  return `${groupKind(ref.apiVersion, ref.kind).toLowerCase()}/${ref.name}`;
}

export default defineResourcePlugin({
  name: 'ControllerRevision',
  description: 'apps/v1 controllerrevisions: validation, immutable data, printer',
  definition: {
    group: 'apps',
    versions: onlyV1('apps', 'ControllerRevision'),
    names: { plural: 'controllerrevisions', singular: 'controllerrevision', kind: 'ControllerRevision', listKind: 'ControllerRevisionList' },
    namespaced: true,
    generation: 'none',
    printer: {
      columns: [NAME_COLUMN, column('Controller', 'Controller of the object'), column('Revision', 'Revision indicates the revision of the state represented by Data.'), AGE_COLUMN],
      row: (cr: KObject, now: Date) => [cr.metadata.name ?? '', controllerCell(cr), typeof cr.revision === 'number' ? cr.revision : 0, age(cr, now)],
    },
  },
  validate(cr, errors) {
    if (cr.revision === undefined) errors.push(required('revision', ''));
    else if (typeof cr.revision !== 'number' || !Number.isInteger(cr.revision) || cr.revision < 0) {
      errors.push(invalid('revision', cr.revision, 'must be greater than or equal to 0'));
    }
  },
  validateUpdate(cr, old, errors) {
    if (!semanticEqual(cr.data, old.data)) errors.push(immutable('data', 'object'));
  },
});
