import assert from 'node:assert/strict';
import type { KObject } from '../../../core/registry/types';
import { daemonPodNode, nodeShouldRunDaemonPod, pinToNode, podFitsNode, tolerates, withDaemonTolerations } from './util';

const node = (labels: Record<string, string> = {}, taints: object[] = [], name = 'n1'): KObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: { taints } });
const tpl = (spec: object = {}) => ({ spec: { containers: [{ name: 'c', image: 'x' }], ...spec } });

describe('controllers/DaemonSet util', () => {
  it('tolerates: Exists with empty key matches every taint; Equal compares values; effect must match when set', () => {
    assert.ok(tolerates({ operator: 'Exists' }, { key: 'a', effect: 'NoSchedule' }));
    assert.ok(tolerates({ key: 'a', value: 'v', effect: 'NoSchedule' }, { key: 'a', value: 'v', effect: 'NoSchedule' }));
    assert.ok(!tolerates({ key: 'a', value: 'w' }, { key: 'a', value: 'v', effect: 'NoSchedule' }));
    assert.ok(!tolerates({ key: 'a', operator: 'Exists', effect: 'NoExecute' }, { key: 'a', effect: 'NoSchedule' }));
    assert.ok(!tolerates({ key: '', operator: 'Equal' }, { key: 'a', effect: 'NoSchedule' }));
  });

  it('adds the DaemonSet tolerations (network-unavailable only with hostNetwork), replacing same key+effect', () => {
    const t = withDaemonTolerations({ tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }, { key: 'own' }] });
    assert.equal(t.filter((x) => x.key === 'node.kubernetes.io/not-ready').length, 1);
    assert.equal(t.find((x) => x.key === 'node.kubernetes.io/not-ready')?.tolerationSeconds, undefined);
    assert.ok(t.some((x) => x.key === 'own'));
    assert.ok(!t.some((x) => x.key === 'node.kubernetes.io/network-unavailable'));
    assert.ok(withDaemonTolerations({ hostNetwork: true }).some((x) => x.key === 'node.kubernetes.io/network-unavailable'));
  });

  it('node affinity operators In/NotIn/Exists/DoesNotExist/Gt/Lt and matchFields metadata.name; terms are ORed', () => {
    const aff = (expr: object[], fields: object[] = []) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: expr, matchFields: fields }] } } } });
    const n = node({ zone: 'a', cpus: '8' });
    assert.ok(podFitsNode(aff([{ key: 'zone', operator: 'In', values: ['a', 'b'] }]), n));
    assert.ok(!podFitsNode(aff([{ key: 'zone', operator: 'NotIn', values: ['a'] }]), n));
    assert.ok(podFitsNode(aff([{ key: 'zone', operator: 'Exists' }]), n));
    assert.ok(podFitsNode(aff([{ key: 'gpu', operator: 'DoesNotExist' }]), n));
    assert.ok(podFitsNode(aff([{ key: 'cpus', operator: 'Gt', values: ['4'] }]), n));
    assert.ok(!podFitsNode(aff([{ key: 'cpus', operator: 'Lt', values: ['4'] }]), n));
    assert.ok(podFitsNode(aff([], [{ key: 'metadata.name', operator: 'In', values: ['n1'] }]), n));
    assert.ok(!podFitsNode(aff([], [{ key: 'metadata.name', operator: 'In', values: ['n2'] }]), n));
    const two = { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z'] }] }, { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } } } };
    assert.ok(podFitsNode(two, n));
  });

  it('shouldRun vs shouldContinueRunning: NoSchedule blocks new pods only, NoExecute evicts, PreferNoSchedule is ignored', () => {
    assert.deepEqual(nodeShouldRunDaemonPod(tpl(), node({}, [{ key: 'k', effect: 'NoSchedule' }])), { shouldRun: false, shouldContinueRunning: true });
    assert.deepEqual(nodeShouldRunDaemonPod(tpl(), node({}, [{ key: 'k', effect: 'NoExecute' }])), { shouldRun: false, shouldContinueRunning: false });
    assert.deepEqual(nodeShouldRunDaemonPod(tpl(), node({}, [{ key: 'k', effect: 'PreferNoSchedule' }])), { shouldRun: true, shouldContinueRunning: true });
    assert.deepEqual(nodeShouldRunDaemonPod(tpl(), node({}, [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }, { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' }])), { shouldRun: true, shouldContinueRunning: true });
    assert.deepEqual(nodeShouldRunDaemonPod(tpl({ nodeSelector: { a: 'b' } }), node()), { shouldRun: false, shouldContinueRunning: false });
  });

  it('pinToNode replaces the required terms with matchFields metadata.name and keeps preferred terms; daemonPodNode reads it back', () => {
    const spec: Record<string, any> = { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'x', operator: 'Exists' }] }] }, preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1 }] } } };
    pinToNode(spec, 'n9');
    assert.deepEqual(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n9'] }] }]);
    assert.equal(spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution.length, 1);
    assert.equal(daemonPodNode({ apiVersion: 'v1', kind: 'Pod', metadata: {}, spec } as KObject), 'n9');
  });
});
