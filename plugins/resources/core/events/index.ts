/**
 * Event (core/v1 events): involvedObject namespace rules, new-style event requirements, the event
 * printer and the event field selectors `kubectl describe` relies on.
 */
import type { KObject } from '../../../../core/registry/types';
import { invalid, notSupported, required, type FieldError } from '../../shared/field-errors';
import { isRecord, str, type Json } from '../../shared/object';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { onlyV1 } from '../../shared/versions';
import { eventPrinter } from './printer';

const EVENT_TYPES = ['Normal', 'Warning'];

function involved(o: KObject): Json {
  return isRecord(o.involvedObject) ? o.involvedObject : {};
}

/** events' selectable fields (event.ToSelectableFields). */
export const eventFieldSelectors = {
  'involvedObject.kind': (o: KObject) => str(involved(o).kind),
  'involvedObject.namespace': (o: KObject) => str(involved(o).namespace),
  'involvedObject.name': (o: KObject) => str(involved(o).name),
  'involvedObject.uid': (o: KObject) => str(involved(o).uid),
  'involvedObject.apiVersion': (o: KObject) => str(involved(o).apiVersion),
  'involvedObject.resourceVersion': (o: KObject) => str(involved(o).resourceVersion),
  'involvedObject.fieldPath': (o: KObject) => str(involved(o).fieldPath),
  reason: (o: KObject) => str(o.reason),
  reportingComponent: (o: KObject) => str(o.reportingComponent),
  source: (o: KObject) => str((o.source as Json | undefined)?.component),
  type: (o: KObject) => str(o.type),
};

/** ValidateEventCreate (core/v1): the involved object's namespace, and new-style (eventTime) rules. */
export function validateCoreEvent(ev: KObject, errors: FieldError[]): void {
  const ns = ev.metadata.namespace ?? '';
  const objNs = str(involved(ev).namespace);
  if (objNs) {
    if (objNs !== ns) errors.push(invalid('involvedObject.namespace', objNs, 'does not match event.namespace'));
  } else if (ns && ns !== 'default') {
    errors.push(invalid('involvedObject.namespace', objNs, 'does not match event.namespace'));
  }
  if (ev.type !== undefined && ev.type !== '' && !EVENT_TYPES.includes(str(ev.type))) {
    if (ev.eventTime) errors.push(notSupported('type', ev.type, EVENT_TYPES));
  }
  if (ev.eventTime) {
    if (!str(ev.reportingComponent)) errors.push(required('reportingComponent', ''));
    if (!str(ev.reportingInstance)) errors.push(required('reportingInstance', ''));
    if (!str(ev.action)) errors.push(required('action', ''));
    if (!EVENT_TYPES.includes(str(ev.type))) errors.push(notSupported('type', ev.type ?? '', EVENT_TYPES));
  }
  if (str(ev.message).length > 4096 && !ev.eventTime) errors.push(invalid('message', '', 'can have at most 4096 characters'));
}

export default defineResourcePlugin({
  name: 'Event',
  description: 'core/v1 events: validation, printer, involvedObject/reason/source/type field selectors',
  definition: {
    group: '',
    versions: onlyV1('', 'Event'),
    names: { plural: 'events', singular: 'event', kind: 'Event', listKind: 'EventList', shortNames: ['ev'] },
    namespaced: true,
    generation: 'none',
    printer: eventPrinter,
    fieldSelectors: eventFieldSelectors,
  },
  validate(ev, errors) {
    validateCoreEvent(ev, errors);
  },
});
