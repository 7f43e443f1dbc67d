import assert from 'node:assert/strict';
import type { KObject } from '../../../core/registry/types';
import * as u from './util';

const T0 = Date.parse('2026-01-01T00:00:00Z');

function d(replicas: number, surge: unknown = '25%', unavailable: unknown = '25%', extra: Record<string, any> = {}): KObject {
  return {
    metadata: { name: 'web', generation: 1, annotations: { team: 'a', 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
    spec: { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } }, progressDeadlineSeconds: 600, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } }, ...extra },
    status: {},
  };
}

function rs(name: string, replicas: number, available = replicas, annotations: Record<string, string> = {}, created = T0): KObject {
  return { metadata: { name, uid: name, annotations, creationTimestamp: new Date(created).toISOString() }, spec: { replicas, template: { metadata: { labels: { app: 'web', 'pod-template-hash': name } }, spec: { containers: [{ name: 'c', image: name }] } } }, status: { replicas, availableReplicas: available, readyReplicas: available } };
}

describe('controllers/Deployment: pure logic (util)', () => {
  it('resolveFenceposts rounds surge up and unavailable down; both 0 gives unavailable 1', () => {
    assert.deepEqual(u.resolveFenceposts('25%', '25%', 10), { surge: 3, unavailable: 2 });
    assert.deepEqual(u.resolveFenceposts('25%', '25%', 1), { surge: 1, unavailable: 0 });
    assert.deepEqual(u.resolveFenceposts(0, '10%', 5), { surge: 0, unavailable: 1 });
    assert.deepEqual(u.resolveFenceposts(2, 1, 5), { surge: 2, unavailable: 1 });
    assert.equal(u.maxUnavailable(d(2, 0, 5)), 2, 'capped at replicas');
    assert.equal(u.maxUnavailable(d(0)), 0);
    assert.equal(u.maxSurge({ ...d(4), spec: { ...d(4).spec as object, strategy: { type: 'Recreate' } } }), 0);
  });

  it('newRSNewReplicas: scale the new RS up to replicas + maxSurge in total', () => {
    const dep = d(4, 1, 1);
    assert.equal(u.newRSNewReplicas(dep, [rs('old', 4), rs('new', 0)], rs('new', 0)), 1);
    assert.equal(u.newRSNewReplicas(dep, [rs('old', 3), rs('new', 1)], rs('new', 1)), 2);
    assert.equal(u.newRSNewReplicas(dep, [rs('old', 0), rs('new', 4)], rs('new', 4)), 4);
    assert.equal(u.newRSNewReplicas(dep, [rs('old', 5), rs('new', 0)], rs('new', 0)), 0);
  });

  it('findNewReplicaSet compares templates without the pod-template-hash label (oldest wins)', () => {
    const dep = d(1);
    const a = rs('a', 1, 1, {}, T0 + 1000);
    (a.spec as any).template.spec.containers[0].image = 'x';
    const b = rs('b', 1, 1, {}, T0);
    (b.spec as any).template.spec.containers[0].image = 'x';
    assert.equal(u.findNewReplicaSet(dep, [a, rs('c', 1), b])?.metadata.name, 'b');
    assert.equal(u.findNewReplicaSet(dep, [rs('c', 1)]), undefined);
  });

  it('revision annotations: new RS gets max+1 and replica annotations; a rollback keeps history', () => {
    const dep = d(3, 1, 0);
    const fresh = rs('n', 0);
    assert.equal(u.setNewReplicaSetAnnotations(dep, fresh, 4, false), true);
    assert.deepEqual(fresh.metadata.annotations, { team: 'a', [u.REVISION_ANNOTATION]: '4', [u.DESIRED_REPLICAS_ANNOTATION]: '3', [u.MAX_REPLICAS_ANNOTATION]: '4' });
    const old = rs('o', 0, 0, { [u.REVISION_ANNOTATION]: '1', team: 'a' });
    assert.equal(u.setNewReplicaSetAnnotations(dep, old, 5, true), true);
    assert.equal(old.metadata.annotations?.[u.REVISION_ANNOTATION], '5');
    assert.equal(old.metadata.annotations?.[u.REVISION_HISTORY_ANNOTATION], '1');
    assert.equal(u.setNewReplicaSetAnnotations(dep, old, 5, true), false, 'nothing changes the second time');
    assert.equal(u.maxRevision([old, fresh, rs('z', 0)]), 5);
  });

  it('proportional scaling splits a replicas change across active ReplicaSets by size', () => {
    const dep = d(20, 3, 2);
    const a = rs('a', 8, 8, { [u.MAX_REPLICAS_ANNOTATION]: '13' }, T0);
    const b = rs('b', 5, 0, { [u.MAX_REPLICAS_ANNOTATION]: '13' }, T0 + 1000);
    // was 10 replicas + 3 surge = 13, now 20 + 3 = 23: 10 more, ~8:5
    const { sizes } = u.proportionalSizes(dep, [a, b]);
    assert.equal((sizes.get('a') ?? 0) + (sizes.get('b') ?? 0), 23);
    assert.deepEqual([sizes.get('a'), sizes.get('b')], [14, 9]);
  });

  it('status: counts, Available condition, Progressing complete / progressing / timed out', () => {
    const dep = d(2, 1, 0);
    const newRS = rs('n', 2, 2);
    const st = u.rolloutStatus([rs('o', 0, 0), newRS], newRS, dep, T0);
    assert.equal(st.replicas, 2);
    assert.equal(st.updatedReplicas, 2);
    assert.equal(st.availableReplicas, 2);
    assert.equal(st.unavailableReplicas, 0);
    assert.equal(st.observedGeneration, 1);
    const cond = (t: string) => st.conditions.find((c: any) => c.type === t);
    assert.equal(cond('Available').reason, 'MinimumReplicasAvailable');
    assert.equal(cond('Progressing').reason, 'NewReplicaSetAvailable');

    const stuck = d(2, 1, 0, { progressDeadlineSeconds: 10 });
    stuck.status = { replicas: 3, updatedReplicas: 1, availableReplicas: 2, readyReplicas: 2, conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', lastUpdateTime: '2026-01-01T00:00:00Z', lastTransitionTime: '2026-01-01T00:00:00Z' }] };
    const same = [rs('o', 2, 2), rs('n', 1, 0)];
    const before = u.rolloutStatus(same, same[1], stuck, T0 + 5000);
    assert.equal(before.conditions.find((c: any) => c.type === 'Progressing').reason, 'ReplicaSetUpdated');
    assert.equal(u.msUntilProgressCheck(stuck, stuck.status as any, T0 + 5000), 6000);
    const after = u.rolloutStatus(same, same[1], stuck, T0 + 11_000);
    const p = after.conditions.find((c: any) => c.type === 'Progressing');
    assert.deepEqual([p.status, p.reason], ['False', 'ProgressDeadlineExceeded']);
    // progress (more available) refreshes the condition instead
    const moved = u.rolloutStatus([rs('o', 2, 2), rs('n', 1, 1)], rs('n', 1, 1), stuck, T0 + 11_000);
    const m = moved.conditions.find((c: any) => c.type === 'Progressing');
    assert.deepEqual([m.reason, m.lastUpdateTime, m.lastTransitionTime], ['ReplicaSetUpdated', '2026-01-01T00:00:11Z', '2026-01-01T00:00:00Z']);
    assert.equal(u.deploymentTimedOut(d(1, 1, 0, { progressDeadlineSeconds: 2147483647 }), stuck.status as any), false);
  });

  it('findActiveOrLatest and isSaturated', () => {
    assert.equal(u.findActiveOrLatest(rs('n', 0), [rs('o', 3)])?.metadata.name, 'o');
    assert.equal(u.findActiveOrLatest(rs('n', 1), [rs('o', 3)]), undefined);
    assert.equal(u.findActiveOrLatest(rs('n', 0), [rs('o', 0)])?.metadata.name, 'n');
    assert.equal(u.isSaturated(d(2), rs('n', 2, 2, { [u.DESIRED_REPLICAS_ANNOTATION]: '2' })), true);
    assert.equal(u.isSaturated(d(2), rs('n', 2, 1, { [u.DESIRED_REPLICAS_ANNOTATION]: '2' })), false);
  });
});
