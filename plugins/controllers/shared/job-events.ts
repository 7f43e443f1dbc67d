/**
 * A minimal core/v1 Event writer for controllers (what client-go's EventRecorder posts): one
 * Event per call, named `<object>.<hex time>`, best effort (errors are swallowed: an event must
 * never fail a reconcile). Used by the Job and CronJob controllers.
 */
import type { KObject } from '../../../core/registry/types';
import type { Client, GVR } from '../../../core/client';
import { nowRfc3339 } from './conditions';

export const EVENTS: GVR = Object.freeze({ group: '', version: 'v1', resource: 'events' });

export async function recordEvent(client: Client, obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string, now = Date.now()): Promise<void> {
  const namespace = obj.metadata.namespace ?? 'default';
  const t = nowRfc3339(now);
  const ev: KObject = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${obj.metadata.name ?? 'object'}.${(now * 1000 + Math.floor(Math.random() * 1000)).toString(16)}`, namespace },
    involvedObject: { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, namespace, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion },
    reason,
    message,
    type,
    source: { component },
    firstTimestamp: t,
    lastTimestamp: t,
    count: 1,
    reportingComponent: component,
    reportingInstance: component,
  } as KObject;
  await client.create(EVENTS, ev).catch(() => undefined);
}
