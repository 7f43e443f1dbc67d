import assert from 'node:assert/strict';
import type { KObject } from '../../../core/registry/types';
import { claimDecision, getControllerOf, newControllerRef } from './controller-ref';
import { ControllerExpectations } from './expectations';
import { scaledValueFromIntOrPercent } from './int-or-percent';
import { compareForDeletion, podsToDelete } from './pod-deletion-ranking';
import { isPodAvailable, isPodActive, isPodReady } from './pod-status';
import { canonicalJson, computePodTemplateHash, fnv32a, safeEncodeString } from './pod-template-hash';
import { slowStartBatch } from './slow-start';
import { fnv32, goJson, revisionData, revisionHash } from './sts-revisions';
import { getCondition, newCondition, removeCondition, setCondition } from './conditions';

const T0 = Date.parse('2026-01-01T00:00:00Z');

function pod(name: string, o: { node?: string; phase?: string; ready?: boolean; readySince?: number; cost?: number; restarts?: number; created?: number; deleting?: boolean } = {}): KObject {
  return {
    metadata: {
      name,
      creationTimestamp: new Date(o.created ?? T0).toISOString(),
      ...(o.cost !== undefined ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': String(o.cost) } } : {}),
      ...(o.deleting ? { deletionTimestamp: new Date(T0).toISOString() } : {}),
    },
    spec: o.node ? { nodeName: o.node } : {},
    status: {
      phase: o.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: new Date(o.readySince ?? T0).toISOString() }],
      containerStatuses: [{ name: 'c', restartCount: o.restarts ?? 0 }],
    },
  };
}

describe('controllers/shared: pure helpers', () => {
  describe('pod readiness and availability', () => {
    it('Ready condition, minReadySeconds, active', () => {
      const p = pod('a', { readySince: T0 });
      assert.equal(isPodReady(p), true);
      assert.equal(isPodAvailable(p, 0, T0), true);
      assert.equal(isPodAvailable(p, 10, T0 + 9_000), false);
      assert.equal(isPodAvailable(p, 10, T0 + 10_000), true);
      assert.equal(isPodReady(pod('b', { ready: false })), false);
      assert.equal(isPodActive(pod('c', { phase: 'Succeeded' })), false);
      assert.equal(isPodActive(pod('d', { deleting: true })), false);
      assert.equal(isPodActive(pod('e', { phase: 'Pending' })), true);
    });
  });

  describe('deletion ranking', () => {
    const order = (pods: KObject[], now = T0 + 3600_000) => podsToDelete(pods, pods.length - 1, pods, now).map((p) => p.metadata.name);
    it('unscheduled < scheduled; Pending < Unknown < Running; not ready < ready', () => {
      assert.ok(compareForDeletion(pod('u'), pod('s', { node: 'n1' })) < 0);
      assert.ok(compareForDeletion(pod('p', { phase: 'Pending' }), pod('k', { phase: 'Unknown' })) < 0);
      assert.ok(compareForDeletion(pod('k', { phase: 'Unknown' }), pod('r', { phase: 'Running' })) < 0);
      assert.ok(compareForDeletion(pod('nr', { ready: false }), pod('r')) < 0);
    });
    it('lower deletion cost, doubled-up nodes, recently ready, more restarts, newer first', () => {
      assert.ok(compareForDeletion(pod('cheap', { cost: -5 }), pod('dear', { cost: 10 })) < 0);
      assert.ok(compareForDeletion(pod('a', { node: 'n1' }), pod('b', { node: 'n2' }), 3, 1) < 0);
      const now = T0 + 3600_000;
      assert.ok(compareForDeletion(pod('fresh', { readySince: now - 2_000 }), pod('old', { readySince: now - 3000_000 }), 0, 0, now) < 0);
      assert.ok(compareForDeletion(pod('crashy', { restarts: 5 }), pod('calm')) < 0);
      assert.ok(compareForDeletion(pod('new', { created: T0 + 1000 }), pod('older')) < 0);
    });
    it('podsToDelete picks the lowest-ranked pods', () => {
      const pods = [pod('ready-a', { node: 'n1' }), pod('pending', { node: 'n1', phase: 'Pending', ready: false }), pod('unscheduled', { phase: 'Pending', ready: false }), pod('notready', { node: 'n2', ready: false })];
      assert.deepEqual(order(pods), ['unscheduled', 'pending', 'notready']);
      assert.deepEqual(podsToDelete(pods, 0), []);
    });
  });

  describe('expectations', () => {
    it('are unsatisfied until every create and delete is observed; expire after the TTL', () => {
      let now = 0;
      const e = new ControllerExpectations(1000, () => now);
      assert.equal(e.satisfied('ns/rs'), true);
      e.expectCreations('ns/rs', 2);
      assert.equal(e.satisfied('ns/rs'), false);
      e.creationObserved('ns/rs');
      assert.equal(e.satisfied('ns/rs'), false);
      e.creationObserved('ns/rs');
      assert.equal(e.satisfied('ns/rs'), true);
      e.expectDeletions('ns/rs', ['ns/p1', 'ns/p2']);
      e.deletionObserved('ns/rs', 'ns/p1');
      e.deletionObserved('ns/rs', 'ns/p1');
      assert.equal(e.satisfied('ns/rs'), false, 'a deletion counts once');
      now = 2000;
      assert.equal(e.satisfied('ns/rs'), true, 'expired');
      e.expect('ns/rs', 3);
      e.lower('ns/rs', 3);
      assert.equal(e.satisfied('ns/rs'), true);
    });
  });

  describe('slow start', () => {
    it('runs batches 1, 2, 4, ... and stops after a failing batch', async () => {
      const batches: number[] = [];
      let inBatch = 0;
      const r = await slowStartBatch(10, 1, async () => {
        inBatch++;
        await new Promise((res) => setImmediate(res));
        if (inBatch) batches.push(inBatch), (inBatch = 0);
      });
      assert.equal(r.successes, 10);
      assert.deepEqual(batches, [1, 2, 4, 3]);
      let calls = 0;
      const f = await slowStartBatch(100, 1, async (i) => {
        calls++;
        if (i === 4) throw new Error('quota');
      });
      assert.equal(calls, 7, 'batches 1+2+4, then stop');
      assert.equal(f.successes, 6);
      assert.match(String(f.error), /quota/);
    });
  });

  describe('int or percent', () => {
    it('rounds percents up or down', () => {
      assert.equal(scaledValueFromIntOrPercent('25%', 10, true), 3);
      assert.equal(scaledValueFromIntOrPercent('25%', 10, false), 2);
      assert.equal(scaledValueFromIntOrPercent(2, 10, false), 2);
      assert.equal(scaledValueFromIntOrPercent('3', 10, false), 3);
      assert.throws(() => scaledValueFromIntOrPercent('x%', 10, true));
    });
  });

  describe('pod-template-hash', () => {
    it('is deterministic, ignores key order and the hash label, changes with the template and collisionCount', () => {
      const t = { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'x' }] } };
      const h = computePodTemplateHash(t);
      assert.match(h, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
      assert.equal(computePodTemplateHash({ spec: t.spec, metadata: { labels: { app: 'a', 'pod-template-hash': 'zzz' } } }), h);
      assert.notEqual(computePodTemplateHash({ ...t, spec: { containers: [{ name: 'c', image: 'y' }] } }), h);
      assert.notEqual(computePodTemplateHash(t, 1), h);
      assert.notEqual(computePodTemplateHash(t, 1), computePodTemplateHash(t, 2));
      assert.equal(safeEncodeString('0123456789'), '456789bcdf');
    });

    it('FNV-1a 32 matches the reference test vectors', () => {
      assert.deepEqual([fnv32a(Buffer.from('')), fnv32a(Buffer.from('a')), fnv32a(Buffer.from('foobar'))], [0x811c9dc5, 0xe40c292c, 0xbf9cf968]);
    });

    it('hashes the collision count as 8 bytes (uint32 little-endian, then 4 zero bytes), as ComputeHash does', () => {
      const t = { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'x' }] } };
      const text = Buffer.from(canonicalJson(t, true), 'utf8');
      const expected = fnv32a(Buffer.concat([text, Buffer.from([0x02, 0x01, 0, 0, 0, 0, 0, 0])]));
      assert.equal(computePodTemplateHash(t, 0x0102), safeEncodeString(String(expected)));
    });
  });

  describe('controller revision hash', () => {
    it('FNV-1 32 matches the reference test vectors', () => {
      assert.deepEqual([fnv32(Buffer.from('')), fnv32(Buffer.from('a')), fnv32(Buffer.from('foobar'))], [0x811c9dc5, 0x050c5d7e, 0x31f0b262]);
    });

    it('writes JSON as Go does: keys sorted by bytes, <>& and control characters as \\u00XX', () => {
      assert.equal(goJson({ b: 1, a: '<x>&\b\f', A: [null, true, 1.5] }), '{"A":[null,true,1.5],"a":"\\u003cx\\u003e\\u0026\\u0008\\u000c","b":1}');
    });

    it('a revision replaces the template when applied as a strategic merge patch ($patch: replace)', () => {
      const sts: KObject = { metadata: { name: 'web' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'x' }] } } } };
      assert.deepEqual(revisionData(sts), { spec: { template: { spec: { containers: [{ name: 'c', image: 'x' }] }, $patch: 'replace' } } });
    });

    it('is FNV-1 of the data JSON followed by the collision count in decimal (HashControllerRevision)', () => {
      const data = { spec: { template: { $patch: 'replace', metadata: { labels: { app: 'web' } } } } };
      const raw = '{"spec":{"template":{"$patch":"replace","metadata":{"labels":{"app":"web"}}}}}';
      assert.equal(revisionHash(data, 0), safeEncodeString(String(fnv32(Buffer.from(`${raw}0`)))));
      assert.equal(revisionHash(data, 12), safeEncodeString(String(fnv32(Buffer.from(`${raw}12`)))));
    });
  });

  describe('controller refs', () => {
    const owner: KObject = { metadata: { name: 'rs', uid: 'u1' } };
    const match = (l: Record<string, string>) => l.app === 'a';
    it('keep / adopt / release / ignore', () => {
      const ref = newControllerRef(owner, 'apps/v1', 'ReplicaSet');
      assert.deepEqual(ref, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true, blockOwnerDeletion: true });
      const mine = (labels: Record<string, string>): KObject => ({ metadata: { name: 'p', labels, ownerReferences: [ref] } });
      assert.equal(getControllerOf(mine({}))?.uid, 'u1');
      assert.equal(claimDecision(owner, mine({ app: 'a' }), match), 'keep');
      assert.equal(claimDecision(owner, mine({ app: 'b' }), match), 'release');
      assert.equal(claimDecision(owner, { metadata: { name: 'o', labels: { app: 'a' } } }, match), 'adopt');
      assert.equal(claimDecision(owner, { metadata: { name: 'o', labels: { app: 'b' } } }, match), 'ignore');
      assert.equal(claimDecision(owner, { metadata: { name: 'x', labels: { app: 'a' }, ownerReferences: [{ ...ref, uid: 'other' }] } }, match), 'ignore');
      assert.equal(claimDecision({ metadata: { ...owner.metadata, deletionTimestamp: 'now' } }, { metadata: { name: 'o', labels: { app: 'a' } } }, match), 'ignore');
    });
  });

  describe('conditions', () => {
    it('set keeps lastTransitionTime when the status holds; same status and reason is a no-op', () => {
      const c1 = newCondition('Progressing', 'True', 'A', 'a', T0);
      let list = setCondition([], c1);
      list = setCondition(list, newCondition('Progressing', 'True', 'B', 'b', T0 + 5000));
      assert.equal(getCondition(list, 'Progressing')?.reason, 'B');
      assert.equal(getCondition(list, 'Progressing')?.lastTransitionTime, c1.lastTransitionTime);
      const same = setCondition(list, newCondition('Progressing', 'True', 'B', 'other', T0 + 9000));
      assert.equal(getCondition(same, 'Progressing')?.message, 'b');
      const flipped = setCondition(list, newCondition('Progressing', 'False', 'C', 'c', T0 + 9000));
      assert.equal(getCondition(flipped, 'Progressing')?.lastTransitionTime, '2026-01-01T00:00:09Z');
      assert.deepEqual(removeCondition(flipped, 'Progressing'), []);
    });
  });
});
