import assert from 'node:assert/strict';
import { podHasAffinity, podInfoOf } from './pod';
import { trimAssignedPod } from './trim';
import type { Pod } from './types';

function fullPod(extra: Record<string, unknown> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns', uid: 'u1', resourceVersion: '7', creationTimestamp: '2026-01-01T00:00:00Z', labels: { app: 'a' }, annotations: { big: 'x'.repeat(100) }, ownerReferences: [{ kind: 'ReplicaSet', name: 'rs', uid: 'r', controller: true }] },
    spec: {
      nodeName: 'n1',
      schedulerName: 'default-scheduler',
      priority: 5,
      overhead: { cpu: '50m' },
      tolerations: [{ key: 'k', operator: 'Exists' }],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } }, podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: { matchLabels: { app: 'a' } } }] } },
      initContainers: [{ name: 'sidecar', image: 'i', restartPolicy: 'Always', resources: { requests: { cpu: '100m' } } }],
      containers: [{ name: 'c', image: 'i', env: [{ name: 'E', value: 'v' }], resources: { limits: { memory: '1Gi' } }, ports: [{ containerPort: 80 }, { containerPort: 81, hostPort: 8081, protocol: 'UDP' }] }],
      volumes: [{ name: 'token', projected: { sources: [] } }, { name: 'disk', gcePersistentDisk: { pdName: 'd' } }],
      ...extra,
    },
    status: { phase: 'Running', startTime: '2026-01-01T00:00:01Z', podIP: '10.0.0.1', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'c', ready: true }] },
  };
}

describe('scheduler/shared: trimAssignedPod', () => {
  it('leaves a pod without spec.nodeName untouched (the same object)', () => {
    const pod = fullPod({ nodeName: undefined });
    assert.equal(trimAssignedPod(pod), pod);
  });

  it('gives an assigned pod the same requests, non-zero requests, host ports, priority, labels and affinity flag', () => {
    const pod = fullPod();
    const full = podInfoOf(pod);
    const trimmed = podInfoOf(trimAssignedPod(pod));
    assert.deepEqual({ ...trimmed, pod: undefined }, { ...full, pod: undefined });
    assert.equal(podHasAffinity(trimmed), true);
  });

  it('keeps what plugins read of other pods and drops status details, annotations, tolerations and ignored volumes', () => {
    const t = trimAssignedPod(fullPod());
    assert.deepEqual(t.metadata, { name: 'p', namespace: 'ns', uid: 'u1', resourceVersion: '7', creationTimestamp: '2026-01-01T00:00:00Z', labels: { app: 'a' } });
    assert.deepEqual(t.status, { phase: 'Running', startTime: '2026-01-01T00:00:01Z' });
    assert.deepEqual(t.spec.volumes, [{ name: 'disk', gcePersistentDisk: { pdName: 'd' } }]);
    assert.deepEqual(Object.keys(t.spec.affinity), ['podAntiAffinity']);
    assert.equal(t.spec.tolerations, undefined);
    assert.deepEqual(t.spec.containers[0].ports, [{ containerPort: 81, hostPort: 8081, protocol: 'UDP' }]);
  });
});
