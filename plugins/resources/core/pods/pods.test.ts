import assert from 'node:assert/strict';
import Pod from '.';
import { bareServer, errorOn, fakeCtx, resourceOf, runCreate, runUpdate } from '../../shared/testing';
import type { KObject } from '../../../../core/registry/types';
import { podCells } from './printer';

const NOW = new Date('2026-11-26T12:00:00Z');

function pods() {
  return resourceOf(bareServer([Pod]), '', 'pods');
}

function pod(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p1', namespace: 'default', creationTimestamp: '2026-11-26T11:55:00Z' },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
    ...extra,
  };
}

describe('resources/Pod', () => {
  describe('definition', () => {
    it('registers pods with short name po, category all and status/binding/eviction subresources', () => {
      const def = pods().definition;
      assert.deepEqual(def.names.shortNames, ['po']);
      assert.deepEqual(def.names.categories, ['all']);
      assert.equal(def.subresources?.status, true);
      const custom = def.subresources?.custom ?? [];
      assert.deepEqual(custom.map((c) => c.name), ['binding', 'eviction']);
      const eviction = custom.find((c) => c.name === 'eviction')!;
      assert.deepEqual([eviction.kind, eviction.group, eviction.version], ['Eviction', 'policy', 'v1']);
      assert.equal(def.versions[0].schemaRef, 'io.k8s.api.core.v1.Pod');
    });
  });

  describe('defaults', () => {
    it('applies pod spec and container defaults', () => {
      const { obj } = runCreate(pods(), pod());
      const spec = obj.spec as any;
      assert.equal(spec.restartPolicy, 'Always');
      assert.equal(spec.dnsPolicy, 'ClusterFirst');
      assert.equal(spec.terminationGracePeriodSeconds, 30);
      assert.equal(spec.schedulerName, 'default-scheduler');
      assert.equal(spec.enableServiceLinks, true);
      assert.equal(spec.containers[0].imagePullPolicy, 'Always');
      assert.equal(spec.containers[0].terminationMessagePath, '/dev/termination-log');
      assert.equal(spec.containers[0].terminationMessagePolicy, 'File');
    });

    it('uses IfNotPresent for a tagged image and TCP for ports', () => {
      const { obj } = runCreate(pods(), pod({ spec: { containers: [{ name: 'c', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] } }));
      const c = (obj.spec as any).containers[0];
      assert.equal(c.imagePullPolicy, 'IfNotPresent');
      assert.equal(c.ports[0].protocol, 'TCP');
    });

    it('defaults requests to limits and computes the Guaranteed QoS class on create', () => {
      const { obj } = runCreate(pods(), pod({ spec: { containers: [{ name: 'c', image: 'x:1', resources: { limits: { cpu: '1', memory: '1Gi' } } }] } }));
      assert.deepEqual((obj.spec as any).containers[0].resources.requests, { cpu: '1', memory: '1Gi' });
      assert.deepEqual(obj.status, { phase: 'Pending', qosClass: 'Guaranteed' });
    });

    it('resets a client-set status to Pending BestEffort on create', () => {
      const { obj } = runCreate(pods(), pod({ status: { phase: 'Running', podIP: '1.2.3.4' } }));
      assert.deepEqual(obj.status, { phase: 'Pending', qosClass: 'BestEffort' });
    });
  });

  describe('validation', () => {
    it('requires containers', () => {
      const { errors } = runCreate(pods(), pod({ spec: {} }));
      assert.equal(errorOn(errors, 'spec.containers'), 'FieldValueRequired');
    });

    it('requires a container image', () => {
      const { errors } = runCreate(pods(), pod({ spec: { containers: [{ name: 'c' }] } }));
      assert.equal(errorOn(errors, 'spec.containers[0].image'), 'FieldValueRequired');
    });

    it('rejects duplicate container names across init and app containers', () => {
      const { errors } = runCreate(pods(), pod({ spec: { initContainers: [{ name: 'c', image: 'x' }], containers: [{ name: 'c', image: 'x' }] } }));
      assert.equal(errorOn(errors, 'spec.containers[0].name'), 'FieldValueDuplicate');
    });

    it('rejects a container name that is not a DNS-1123 label', () => {
      const { errors } = runCreate(pods(), pod({ spec: { containers: [{ name: 'Bad_Name', image: 'x' }] } }));
      assert.equal(errorOn(errors, 'spec.containers[0].name'), 'FieldValueInvalid');
    });

    it('rejects an out-of-range container port', () => {
      const { errors } = runCreate(pods(), pod({ spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 70000 }] }] } }));
      assert.equal(errorOn(errors, 'spec.containers[0].ports[0].containerPort'), 'FieldValueInvalid');
    });

    it('rejects an unknown restartPolicy as NotSupported', () => {
      const { errors } = runCreate(pods(), pod({ spec: { restartPolicy: 'Sometimes', containers: [{ name: 'c', image: 'x' }] } }));
      assert.equal(errorOn(errors, 'spec.restartPolicy'), 'FieldValueNotSupported');
    });

    it('rejects a volume mount of an unknown volume', () => {
      const { errors } = runCreate(pods(), pod({ spec: { containers: [{ name: 'c', image: 'x', volumeMounts: [{ name: 'v', mountPath: '/v' }] }] } }));
      assert.equal(errorOn(errors, 'spec.containers[0].volumeMounts[0].name'), 'FieldValueNotFound');
    });

    it('accepts a valid pod without errors', () => {
      const { errors } = runCreate(pods(), pod());
      assert.deepEqual(errors, []);
    });
  });

  describe('update', () => {
    it('allows changing a container image', () => {
      const r = pods();
      const old = runCreate(r, pod()).obj;
      const next = structuredClone(old);
      (next.spec as any).containers[0].image = 'nginx:2';
      assert.deepEqual(runUpdate(r, next, old).errors, []);
    });

    it('forbids changing spec.nodeName through an update', () => {
      const r = pods();
      const old = runCreate(r, pod()).obj;
      const next = structuredClone(old);
      (next.spec as any).nodeName = 'node1';
      assert.equal(errorOn(runUpdate(r, next, old).errors, 'spec'), 'FieldValueForbidden');
    });

    it('keeps the stored status on an update of the main endpoint', () => {
      const r = pods();
      const old = runCreate(r, pod()).obj;
      const next = { ...structuredClone(old), status: { phase: 'Running' } };
      assert.equal((runUpdate(r, next, old).obj.status as any).phase, 'Pending');
    });

    it('keeps the stored spec on a /status update', () => {
      const r = pods();
      const old = runCreate(r, pod()).obj;
      const next = structuredClone(old) as KObject;
      (next.spec as any).containers[0].image = 'evil';
      next.status = { phase: 'Running' };
      const { obj } = runUpdate(r, next, old, fakeCtx({ method: 'PUT', subresource: 'status' }));
      assert.equal((obj.spec as any).containers[0].image, 'nginx');
      assert.equal((obj.status as any).phase, 'Running');
    });
  });

  describe('graceful deletion', () => {
    it('keeps a scheduled pod for its terminationGracePeriodSeconds', () => {
      const r = pods();
      const p = runCreate(r, pod({ spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x' }] } })).obj;
      assert.equal(r.hooks.gracefulDelete.call(p, { ctx: fakeCtx({ method: 'DELETE' }) }), 30);
    });

    it('deletes an unscheduled pod at once', () => {
      const r = pods();
      const p = runCreate(r, pod()).obj;
      assert.equal(r.hooks.gracefulDelete.call(p, { gracePeriodSeconds: 10, ctx: fakeCtx({ method: 'DELETE' }) }), 0);
    });

    it('honours an explicit grace period of a scheduled pod', () => {
      const r = pods();
      const p = runCreate(r, pod({ spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x' }] } })).obj;
      assert.equal(r.hooks.gracefulDelete.call(p, { gracePeriodSeconds: 5, ctx: fakeCtx({ method: 'DELETE' }) }), 5);
    });
  });

  describe('field selectors', () => {
    it('selects by spec.nodeName, empty when unscheduled', () => {
      const sel = pods().definition.fieldSelectors!;
      assert.equal(sel['spec.nodeName']({ metadata: {}, spec: {} }), '');
      assert.equal(sel['spec.nodeName']({ metadata: {}, spec: { nodeName: 'n1' } }), 'n1');
    });

    it('selects by status.podIP from podIPs', () => {
      const sel = pods().definition.fieldSelectors!;
      assert.equal(sel['status.podIP']({ metadata: {}, status: { podIPs: [{ ip: '10.0.0.5' }] } }), '10.0.0.5');
    });
  });

  describe('printer', () => {
    const base = (status: unknown, extra: Record<string, unknown> = {}) =>
      ({ ...pod(), status, ...extra }) as unknown as KObject;

    it('prints a pending pod', () => {
      assert.deepEqual(podCells(base({ phase: 'Pending' }), NOW), ['p1', '0/1', 'Pending', '0', '5m', '<none>', '<none>', '<none>', '<none>']);
    });

    it('prints a running ready pod with IP and node', () => {
      const p = base(
        { phase: 'Running', podIPs: [{ ip: '10.1.0.5' }], containerStatuses: [{ name: 'c', ready: true, restartCount: 0, state: { running: {} } }] },
        { spec: { nodeName: 'node1', containers: [{ name: 'c', image: 'nginx' }] } },
      );
      assert.deepEqual(podCells(p, NOW).slice(0, 7), ['p1', '1/1', 'Running', '0', '5m', '10.1.0.5', 'node1']);
    });

    it('shows the waiting reason of a container (CrashLoopBackOff) and restarts with age', () => {
      const p = base({
        phase: 'Running',
        containerStatuses: [
          { name: 'c', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { finishedAt: '2026-11-26T11:58:30Z' } } },
        ],
      });
      const cells = podCells(p, NOW);
      assert.equal(cells[2], 'CrashLoopBackOff');
      assert.equal(cells[3], '3 (90s ago)');
    });

    it('prefers status.reason over the phase', () => {
      assert.equal(podCells(base({ phase: 'Failed', reason: 'Evicted' }), NOW)[2], 'Evicted');
    });

    it('shows Init:N/M while init containers run', () => {
      const p = base(
        { phase: 'Pending', initContainerStatuses: [{ name: 'i', state: { running: {} } }] },
        { spec: { initContainers: [{ name: 'i', image: 'x' }], containers: [{ name: 'c', image: 'x' }] } },
      );
      assert.equal(podCells(p, NOW)[2], 'Init:0/1');
    });

    it('shows Init:<reason> for a failed init container', () => {
      const p = base(
        { phase: 'Pending', initContainerStatuses: [{ name: 'i', state: { terminated: { exitCode: 1, reason: 'Error' } } }] },
        { spec: { initContainers: [{ name: 'i', image: 'x' }], containers: [{ name: 'c', image: 'x' }] } },
      );
      assert.equal(podCells(p, NOW)[2], 'Init:Error');
    });

    it('shows ExitCode:N for a terminated container without a reason', () => {
      const p = base({ phase: 'Running', containerStatuses: [{ name: 'c', state: { terminated: { exitCode: 3 } } }] });
      assert.equal(podCells(p, NOW)[2], 'ExitCode:3');
    });

    it('shows Terminating when the pod has a deletionTimestamp and is not terminal', () => {
      const p = base({ phase: 'Running' });
      p.metadata.deletionTimestamp = '2026-11-26T11:59:00Z';
      assert.equal(podCells(p, NOW)[2], 'Terminating');
    });

    it('keeps Completed for a terminal pod being deleted', () => {
      const p = base({ phase: 'Succeeded', containerStatuses: [{ name: 'c', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] });
      p.metadata.deletionTimestamp = '2026-11-26T11:59:00Z';
      assert.equal(podCells(p, NOW)[2], 'Completed');
    });

    it('counts readiness gates', () => {
      const p = base(
        { phase: 'Running', conditions: [{ type: 'example.com/gate', status: 'True' }] },
        { spec: { containers: [{ name: 'c', image: 'x' }], readinessGates: [{ conditionType: 'example.com/gate' }, { conditionType: 'other' }] } },
      );
      assert.equal(podCells(p, NOW)[8], '1/2');
    });

    it('has one column per cell', () => {
      const printer = pods().definition.printer!;
      assert.equal(printer.columns.length, podCells(base({}), NOW).length);
      assert.equal(printer.columns[0].format, 'name');
    });
  });
});
