/**
 * Lease (coordination.k8s.io/v1 leases): leader election and node heartbeats. Validation of
 * leaseDurationSeconds, leaseTransitions, strategy/preferredHolder; the HOLDER printer.
 */
import type { KObject } from '../../../../core/registry/types';
import { age } from '../../shared/age';
import { forbidden, invalid, notSupported, type FieldError } from '../../shared/field-errors';
import { isInteger } from '../../shared/groups-validation';
import { isRecord, str, type Json } from '../../shared/object';
import { AGE_COLUMN, column, NAME_COLUMN } from '../../shared/printer';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { onlyV1 } from '../../shared/versions';

export const GROUP = 'coordination.k8s.io';
/** coordinated leader election strategies (alpha in 1.32) */
const STRATEGIES = ['OldestEmulationVersion'];

function specOf(obj: KObject): Json {
  return isRecord(obj.spec) ? obj.spec : {};
}

export function validateLeaseSpec(spec: Json, errors: FieldError[]): void {
  const duration = spec.leaseDurationSeconds;
  if (duration !== undefined && duration !== null && (!isInteger(duration) || duration <= 0)) {
    errors.push(invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
  }
  const transitions = spec.leaseTransitions;
  if (transitions !== undefined && transitions !== null && (!isInteger(transitions) || transitions < 0)) {
    errors.push(invalid('spec.leaseTransitions', transitions, 'must be greater than or equal to 0'));
  }
  const strategy = str(spec.strategy);
  if (strategy && !STRATEGIES.includes(strategy)) errors.push(notSupported('spec.strategy', strategy, STRATEGIES));
  if (str(spec.preferredHolder) && !strategy) errors.push(forbidden('spec.preferredHolder', 'may only be specified if `strategy` is defined'));
}

export default defineResourcePlugin({
  name: 'Lease',
  description: 'coordination.k8s.io/v1 leases: validation, HOLDER printer',
  definition: {
    group: GROUP,
    versions: onlyV1(GROUP, 'Lease'),
    names: { plural: 'leases', singular: 'lease', kind: 'Lease', listKind: 'LeaseList' },
    namespaced: true,
    generation: 'none',
    printer: {
      columns: [NAME_COLUMN, column('Holder', 'holderIdentity contains the identity of the holder of a current lease.'), AGE_COLUMN],
      row: (obj: KObject, now: Date) => [obj.metadata.name ?? '', str(specOf(obj).holderIdentity), age(obj, now)],
    },
  },
  validate(obj, errors) {
    validateLeaseSpec(specOf(obj), errors);
  },
});
