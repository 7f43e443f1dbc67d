/**
 * events.k8s.io/v1 Event <-> core/v1 Event field mapping (pkg/apis/events/v1 conversion): Kubernetes
 * serves both over one key space through the internal (core) Event; here they are two resources,
 * and this mapping gives the events.k8s.io plugin the core shape for validation paths and the
 * shared Event printer (and lets a future shared-storage registry convert between the two).
 */
import type { KObject } from '../../../../core/registry/types';
import { clone, type Json } from '../../shared/object';

/** events.k8s.io/v1 field -> core/v1 field (the rest keep their names) */
const RENAMES: ReadonlyArray<readonly [string, string]> = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
  ['reportingController', 'reportingComponent'],
];

function rename(obj: KObject, apiVersion: string, forward: boolean): KObject {
  const out = clone(obj) as Json;
  for (const [v1, core] of RENAMES) {
    const [from, to] = forward ? [v1, core] : [core, v1];
    if (from in out) {
      if (out[from] !== undefined) out[to] = out[from];
      delete out[from];
    }
  }
  if (out.apiVersion !== undefined) out.apiVersion = apiVersion;
  return out as KObject;
}

/** events.k8s.io/v1 Event -> core/v1 Event */
export function toCoreEvent(ev: KObject): KObject {
  return rename(ev, 'v1', true);
}

/** core/v1 Event -> events.k8s.io/v1 Event */
export function fromCoreEvent(ev: KObject): KObject {
  return rename(ev, 'events.k8s.io/v1', false);
}
