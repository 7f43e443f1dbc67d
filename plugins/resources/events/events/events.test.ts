import assert from 'node:assert/strict';
import type { Server } from '../../../../core/server/server';
import EventV1 from '.';
import { api, causeFields, startWithPlugins, type Obj } from '../../shared/groups-testing';
import { bareServer, errorOn, fields, resourceOf, runCreate, runUpdate } from '../../shared/testing';
import { fromCoreEvent, toCoreEvent } from './convert';

const events = () => resourceOf(bareServer([EventV1]), 'events.k8s.io', 'events');

function ev(extra: Obj = {}, name = 'e1'): Obj {
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name, namespace: 'default' },
    eventTime: '2026-11-26T11:00:00.000000Z',
    reportingController: 'k8ts.dev/scheduler',
    reportingInstance: 'scheduler-1',
    action: 'Binding',
    reason: 'Scheduled',
    type: 'Normal',
    note: 'Successfully assigned default/p1 to node-a',
    regarding: { kind: 'Pod', name: 'p1', namespace: 'default', apiVersion: 'v1' },
    ...extra,
  };
}

describe('resources/Event.events.k8s.io', () => {
  it('is the namespaced events.k8s.io Event with short name ev and plugin name Event.events.k8s.io', () => {
    const r = events();
    assert.equal(r.definition.group, 'events.k8s.io');
    assert.equal(r.definition.names.kind, 'Event');
    assert.deepEqual(r.definition.names.shortNames, ['ev']);
    assert.equal(EventV1.name, 'Event.events.k8s.io');
    assert.equal(r.qualifiedName, 'events.events.k8s.io');
  });

  it('accepts a complete new-style event', () => {
    assert.deepEqual(runCreate(events(), ev()).errors, []);
  });

  it('requires eventTime, reportingController, reportingInstance, action and reason (core field paths)', () => {
    const { errors } = runCreate(events(), ev({ eventTime: undefined, reportingController: undefined, reportingInstance: undefined, action: undefined, reason: undefined }));
    assert.equal(errorOn(errors, 'eventTime'), 'FieldValueRequired');
    assert.ok(!fields(errors).includes('reportingController'), 'without eventTime the legacy rules apply');
  });

  it('requires reportingController, reportingInstance, action and reason once eventTime is set', () => {
    const { errors } = runCreate(events(), ev({ reportingController: undefined, reportingInstance: undefined, action: undefined, reason: undefined }));
    assert.deepEqual([...new Set(fields(errors))].sort(), ['action', 'reason', 'reportingController', 'reportingInstance']);
    for (const f of ['action', 'reason', 'reportingController', 'reportingInstance']) assert.equal(errorOn(errors, f), 'FieldValueRequired');
  });

  it('rejects a type other than Normal or Warning', () => {
    assert.equal(errorOn(runCreate(events(), ev({ type: 'Info' })).errors, 'type'), 'FieldValueInvalid');
  });

  it('rejects a note over 1024 characters on message', () => {
    assert.equal(errorOn(runCreate(events(), ev({ note: 'x'.repeat(1025) })).errors, 'message'), 'FieldValueInvalid');
  });

  it('rejects deprecated fields set on create', () => {
    const { errors } = runCreate(events(), ev({ deprecatedCount: 3, deprecatedSource: { component: 'kubelet' } }));
    assert.deepEqual(fields(errors).sort(), ['count', 'source']);
  });

  it('rejects a series with count below 2', () => {
    const { errors } = runCreate(events(), ev({ series: { count: 1, lastObservedTime: '2026-11-26T11:01:00.000000Z' } }));
    assert.equal(errorOn(errors, 'series.count'), 'FieldValueInvalid');
  });

  it('rejects a regarding namespace other than the event namespace', () => {
    const { errors } = runCreate(events(), ev({ regarding: { kind: 'Pod', name: 'p1', namespace: 'other' }, eventTime: undefined }));
    assert.equal(errorOn(errors, 'involvedObject.namespace'), 'FieldValueInvalid');
  });

  it('allows an update of the series only', () => {
    const r = events();
    const old = runCreate(r, ev()).obj;
    const { errors } = runUpdate(r, { ...old, series: { count: 2, lastObservedTime: '2026-11-26T11:05:00.000000Z' } }, old);
    assert.deepEqual(errors, []);
  });

  it('refuses an update of the note (message is immutable)', () => {
    const r = events();
    const old = runCreate(r, ev()).obj;
    assert.equal(errorOn(runUpdate(r, { ...old, note: 'changed' }, old).errors, 'message'), 'FieldValueInvalid');
  });

  it('maps the events.k8s.io fields onto core/v1 and back', () => {
    const core = toCoreEvent(ev({ deprecatedCount: 2 }) as any) as Obj;
    assert.equal(core.message, 'Successfully assigned default/p1 to node-a');
    assert.equal(core.involvedObject.name, 'p1');
    assert.equal(core.reportingComponent, 'k8ts.dev/scheduler');
    assert.equal(core.count, 2);
    assert.equal(core.note, undefined);
    assert.deepEqual(fromCoreEvent(core as any), ev({ deprecatedCount: 2 }));
  });

  it('prints the Event columns from the new-style fields', () => {
    const row = events().definition.printer!.row(
      ev({ metadata: { name: 'e1', namespace: 'default' } }) as any,
      new Date('2026-11-26T11:02:00Z'),
    );
    assert.deepEqual(row, ['2m', 'Normal', 'Scheduled', 'pod/p1', '', 'k8ts.dev/scheduler, scheduler-1', 'Successfully assigned default/p1 to node-a', '2m', 1, 'e1']);
  });

  it('prints the series count and last observed time', () => {
    const row = events().definition.printer!.row(ev({ series: { count: 5, lastObservedTime: '2026-11-26T11:01:30.000000Z' } }) as any, new Date('2026-11-26T11:02:00Z'));
    assert.equal(row[0], '30s');
    assert.equal(row[8], 5);
  });

  it('selects by regarding.name and reportingController', () => {
    const sel = events().definition.fieldSelectors!;
    assert.equal(sel['regarding.name'](ev() as any), 'p1');
    assert.equal(sel.reportingController(ev() as any), 'k8ts.dev/scheduler');
  });

  describe('through the API', () => {
    let server: Server;
    const URL = '/apis/events.k8s.io/v1/namespaces/default/events';
    beforeEach(async () => {
      server = await startWithPlugins([EventV1]);
    });
    afterEach(() => server.stop());

    it('creates an event (201)', async () => {
      const created = await api(server).create(URL, ev());
      assert.equal(created.apiVersion, 'events.k8s.io/v1');
      assert.equal(created.note, 'Successfully assigned default/p1 to node-a');
    });

    it('answers 422 listing every missing field', async () => {
      const r = await api(server).call('POST', URL, ev({ action: undefined, reportingInstance: undefined, type: 'Bad' }));
      const s = r.json<Obj>();
      assert.equal(r.status, 422);
      assert.equal(s.reason, 'Invalid');
      assert.deepEqual(causeFields(s), ['action', 'reportingInstance', 'type']);
    });

    it('selects events with fieldSelector=regarding.name', async () => {
      await api(server).create(URL, ev());
      await api(server).create(URL, ev({ regarding: { kind: 'Pod', name: 'p2', namespace: 'default' } }, 'e2'));
      const r = await api(server).call('GET', `${URL}?fieldSelector=regarding.name%3Dp2`);
      assert.deepEqual(r.json<Obj>().items.map((i: Obj) => i.metadata.name), ['e2']);
    });

    it('prints LAST SEEN TYPE REASON OBJECT ... as a Table', async () => {
      await api(server).create(URL, ev());
      const t = await api(server).table(URL);
      assert.deepEqual(t.columnDefinitions.map((c: Obj) => c.name).slice(0, 4), ['Last Seen', 'Type', 'Reason', 'Object']);
      assert.deepEqual(t.rows[0].cells.slice(1, 4), ['Normal', 'Scheduled', 'pod/p1']);
    });
  });
});
