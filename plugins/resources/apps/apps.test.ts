import assert from 'node:assert/strict';
import type { KObject } from '../../../core/registry/types';
import { bareServer, errorOn, resourceOf, runCreate, runUpdate } from '../shared/testing';
import ControllerRevision from './controllerrevisions';
import DaemonSet from './daemonsets';
import Deployment from './deployments';
import ReplicaSet from './replicasets';
import StatefulSet from './statefulsets';

const NOW = new Date('2026-11-26T12:00:00Z');
const server = bareServer([Deployment, ReplicaSet, StatefulSet, DaemonSet, ControllerRevision]);
const r = (plural: string) => resourceOf(server, 'apps', plural);
const row = (plural: string, obj: unknown) => r(plural).definition.printer!.row(obj as KObject, NOW);

function workload(name: string, extra: Record<string, unknown> = {}): Record<string, any> {
  return {
    metadata: { name, namespace: 'default', creationTimestamp: '2026-11-26T11:00:00Z' },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } },
      ...extra,
    },
  };
}

describe('resources/apps', () => {
  describe('Deployment', () => {
    it('registers deploy with scale (autoscaling/v1 over spec.replicas) and status', () => {
      const def = r('deployments').definition;
      assert.deepEqual(def.names.shortNames, ['deploy']);
      assert.deepEqual(def.names.categories, ['all']);
      assert.deepEqual(def.subresources?.scale, { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' });
      assert.equal(def.generation, 'spec');
      assert.equal(def.versions[0].schemaRef, 'io.k8s.api.apps.v1.Deployment');
    });

    it('defaults replicas, RollingUpdate 25%/25%, revisionHistoryLimit and progressDeadlineSeconds', () => {
      const { obj, errors } = runCreate(r('deployments'), workload('web'));
      assert.deepEqual(errors, []);
      const spec = obj.spec as any;
      assert.equal(spec.replicas, 1);
      assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
      assert.equal(spec.revisionHistoryLimit, 10);
      assert.equal(spec.progressDeadlineSeconds, 600);
      assert.equal(spec.template.spec.restartPolicy, 'Always');
      assert.deepEqual(obj.status, {});
    });

    it('rejects a selector that does not match the template labels', () => {
      const d = workload('web');
      d.spec.selector = { matchLabels: { app: 'other' } };
      assert.equal(errorOn(runCreate(r('deployments'), d).errors, 'spec.template.metadata.labels'), 'FieldValueInvalid');
    });

    it('requires a selector', () => {
      const d = workload('web');
      delete d.spec.selector;
      assert.equal(errorOn(runCreate(r('deployments'), d).errors, 'spec.selector'), 'FieldValueRequired');
    });

    it('rejects negative replicas', () => {
      assert.equal(errorOn(runCreate(r('deployments'), workload('web', { replicas: -1 })).errors, 'spec.replicas'), 'FieldValueInvalid');
    });

    it('rejects a template restartPolicy other than Always', () => {
      const d = workload('web');
      d.spec.template.spec.restartPolicy = 'OnFailure';
      assert.equal(errorOn(runCreate(r('deployments'), d).errors, 'spec.template.spec.restartPolicy'), 'FieldValueNotSupported');
    });

    it('rejects maxUnavailable and maxSurge both 0', () => {
      const d = workload('web', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } });
      assert.equal(errorOn(runCreate(r('deployments'), d).errors, 'spec.strategy.rollingUpdate.maxUnavailable'), 'FieldValueInvalid');
    });

    it('forbids rollingUpdate with the Recreate strategy', () => {
      const d = workload('web', { strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } });
      assert.equal(errorOn(runCreate(r('deployments'), d).errors, 'spec.strategy.rollingUpdate'), 'FieldValueForbidden');
    });

    it('requires container images in the template', () => {
      const d = workload('web');
      delete d.spec.template.spec.containers[0].image;
      assert.equal(errorOn(runCreate(r('deployments'), d).errors, 'spec.template.spec.containers[0].image'), 'FieldValueRequired');
    });

    it('makes the selector immutable', () => {
      const old = runCreate(r('deployments'), workload('web')).obj;
      const next = structuredClone(old) as any;
      next.spec.selector = { matchLabels: { app: 'web', tier: 'x' } };
      next.spec.template.metadata.labels.tier = 'x';
      assert.equal(errorOn(runUpdate(r('deployments'), next, old).errors, 'spec.selector'), 'FieldValueInvalid');
    });

    it('allows changing the image', () => {
      const old = runCreate(r('deployments'), workload('web')).obj;
      const next = structuredClone(old) as any;
      next.spec.template.spec.containers[0].image = 'nginx:1.28';
      assert.deepEqual(runUpdate(r('deployments'), next, old).errors, []);
    });

    it('prints READY, UP-TO-DATE, AVAILABLE and the wide cells', () => {
      const d = { ...workload('web', { replicas: 3 }), status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } };
      assert.deepEqual(row('deployments', d), ['web', '2/3', 3, 2, '60m', 'c', 'nginx:1.27', 'app=web']);
    });
  });

  describe('ReplicaSet', () => {
    it('defaults replicas and prints DESIRED CURRENT READY', () => {
      const { obj, errors } = runCreate(r('replicasets'), workload('rs1'));
      assert.deepEqual(errors, []);
      assert.equal((obj.spec as any).replicas, 1);
      const rs = { ...obj, status: { replicas: 1, readyReplicas: 0 } };
      assert.deepEqual(row('replicasets', rs).slice(0, 4), ['rs1', 1, 1, 0]);
    });

    it('makes the selector immutable', () => {
      const old = runCreate(r('replicasets'), workload('rs1')).obj;
      const next = structuredClone(old) as any;
      next.spec.selector = { matchLabels: {} , matchExpressions: [{ key: 'app', operator: 'Exists' }] };
      assert.equal(errorOn(runUpdate(r('replicasets'), next, old).errors, 'spec.selector'), 'FieldValueInvalid');
    });
  });

  describe('StatefulSet', () => {
    it('defaults podManagementPolicy, updateStrategy, retention and claim templates', () => {
      const { obj, errors } = runCreate(r('statefulsets'), workload('db', { serviceName: 'db', volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }] }));
      assert.deepEqual(errors, []);
      const spec = obj.spec as any;
      assert.equal(spec.podManagementPolicy, 'OrderedReady');
      assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
      assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
      assert.equal(spec.volumeClaimTemplates[0].spec.volumeMode, 'Filesystem');
    });

    it('forbids changing fields other than the mutable ones', () => {
      const old = runCreate(r('statefulsets'), workload('db', { serviceName: 'db' })).obj;
      const next = structuredClone(old) as any;
      next.spec.serviceName = 'other';
      assert.equal(errorOn(runUpdate(r('statefulsets'), next, old).errors, 'spec'), 'FieldValueForbidden');
      const scaled = structuredClone(old) as any;
      scaled.spec.replicas = 5;
      assert.deepEqual(runUpdate(r('statefulsets'), scaled, old).errors, []);
    });

    it('prints READY as ready/replicas', () => {
      assert.deepEqual(row('statefulsets', { ...workload('db', { replicas: 3 }), status: { readyReplicas: 1 } }), ['db', '1/3', '60m', 'c', 'nginx:1.27']);
    });
  });

  describe('DaemonSet', () => {
    it('defaults RollingUpdate with maxUnavailable 1 and maxSurge 0', () => {
      const { obj, errors } = runCreate(r('daemonsets'), workload('agent'));
      assert.deepEqual(errors, []);
      assert.deepEqual((obj.spec as any).updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
      assert.equal((obj.spec as any).revisionHistoryLimit, 10);
    });

    it('prints the counts and the node selector', () => {
      const ds = workload('agent');
      ds.spec.template.spec.nodeSelector = { 'kubernetes.io/os': 'linux' };
      const cells = row('daemonsets', { ...ds, status: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 1 } });
      assert.deepEqual(cells.slice(0, 8), ['agent', 2, 2, 1, 2, 1, 'kubernetes.io/os=linux', '60m']);
    });
  });

  describe('ControllerRevision', () => {
    it('prints the controller as kind.group/name', () => {
      const cr = { metadata: { name: 'db-1', creationTimestamp: '2026-11-26T11:00:00Z', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u', controller: true }] }, revision: 2 };
      assert.deepEqual(row('controllerrevisions', cr), ['db-1', 'statefulset.apps/db', 2, '60m']);
    });

    it('rejects a negative revision and makes data immutable', () => {
      assert.equal(errorOn(runCreate(r('controllerrevisions'), { metadata: { name: 'x', namespace: 'default' }, revision: -1 }).errors, 'revision'), 'FieldValueInvalid');
      const old = runCreate(r('controllerrevisions'), { metadata: { name: 'x', namespace: 'default' }, revision: 1, data: { a: 1 } }).obj;
      assert.equal(errorOn(runUpdate(r('controllerrevisions'), { ...old, data: { a: 2 } }, old).errors, 'data'), 'FieldValueInvalid');
    });
  });
});
