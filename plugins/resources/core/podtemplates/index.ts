/** PodTemplate (core/v1 podtemplates): pod template defaults and validation, the printer. */
import type { KObject } from '../../../../core/registry/types';
import { getPath } from '../../shared/object';
import { containerCells, NAME_COLUMN, column } from '../../shared/printer';
import { defaultPodTemplate } from '../../shared/pod-defaults';
import { validatePodTemplate } from '../../shared/pod-validation';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { formatLabels } from '../../shared/selectors';
import { onlyV1 } from '../../shared/versions';

export default defineResourcePlugin({
  name: 'PodTemplate',
  description: 'core/v1 podtemplates: template defaults and validation, printer',
  definition: {
    group: '',
    versions: onlyV1('', 'PodTemplate'),
    names: { plural: 'podtemplates', singular: 'podtemplate', kind: 'PodTemplate', listKind: 'PodTemplateList' },
    namespaced: true,
    generation: 'none',
    printer: {
      columns: [
        NAME_COLUMN,
        column('Containers', 'Names of each container in the template.'),
        column('Images', 'Images referenced by each container in the template.'),
        column('Pod Labels', 'The labels for the pod template.'),
      ],
      row: (pt: KObject) => [pt.metadata.name ?? '', ...containerCells(getPath(pt, 'template.spec.containers')), formatLabels(getPath(pt, 'template.metadata.labels'))],
    },
  },
  defaults(pt) {
    defaultPodTemplate(pt.template);
  },
  validate(pt, errors) {
    validatePodTemplate(pt.template, 'template', errors);
  },
});
