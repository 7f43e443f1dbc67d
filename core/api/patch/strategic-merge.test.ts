import assert from 'node:assert/strict';
import { builtinPatchSchema } from './builtin-schema';
import { definePatchSchema } from './schema';
import { applyStrategicMergePatch } from './strategic-merge';
import { expectStatus, frozen } from './test-helpers';

const DEPLOYMENT = builtinPatchSchema('Deployment')!;
const POD = builtinPatchSchema('Pod')!;

function deployment(containers: unknown[] = [{ name: 'nginx', image: 'nginx:1.29' }]) {
  return frozen({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', resourceVersion: '104', finalizers: ['a.example.com/x'] },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers } },
    },
  });
}

/** Every key anywhere in the value. */
function allKeys(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => allKeys(x, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(k), allKeys(x, out);
  return out;
}

function assertNoDirectives(v: unknown): void {
  assert.deepEqual(allKeys(v).filter((k) => k.startsWith('$')), []);
}

const smp = (doc: object, patch: unknown, schema = DEPLOYMENT) => applyStrategicMergePatch(doc, patch, schema) as any;
const containersOf = (d: any) => d.spec.template.spec.containers;

describe('patch/strategic-merge', () => {
  describe('kubectl bodies (kubectl-surface §6)', () => {
    it('set image updates the container by name and drops $setElementOrder', () => {
      const doc = deployment([{ name: 'nginx', image: 'nginx:1.29', ports: [{ containerPort: 80 }] }]);
      const out = smp(doc, {
        spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ image: 'nginx:1.30', name: 'nginx' }] } } },
      });
      assert.deepEqual(containersOf(out), [{ name: 'nginx', image: 'nginx:1.30', ports: [{ containerPort: 80 }] }]);
      assertNoDirectives(out);
    });

    it('set image on one of two containers keeps the other and the order', () => {
      const doc = deployment([{ name: 'nginx', image: 'nginx:1.29' }, { name: 'sidecar', image: 'busybox:1' }]);
      const out = smp(doc, {
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }],
              containers: [{ image: 'busybox:2', name: 'sidecar' }],
            },
          },
        },
      });
      assert.deepEqual(containersOf(out), [{ name: 'nginx', image: 'nginx:1.29' }, { name: 'sidecar', image: 'busybox:2' }]);
    });

    it('set env merges env by name inside the container', () => {
      const doc = deployment([{ name: 'app', image: 'a', env: [{ name: 'A', value: '1' }] }]);
      const out = smp(doc, {
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [{ name: 'app' }],
              containers: [{ '$setElementOrder/env': [{ name: 'A' }, { name: 'B' }], env: [{ name: 'B', value: '2' }], name: 'app' }],
            },
          },
        },
      });
      assert.deepEqual(containersOf(out)[0].env, [{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
      assertNoDirectives(out);
    });

    it('rollout restart adds the restartedAt template annotation', () => {
      const at = '2026-11-26T13:10:14Z';
      const out = smp(deployment(), { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': at } } } } });
      assert.deepEqual(out.spec.template.metadata, { labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/restartedAt': at } });
    });

    it('rollout pause sets spec.paused', () => {
      assert.equal(smp(deployment(), { spec: { paused: true } }).spec.paused, true);
    });

    it('rollout resume with null removes spec.paused', () => {
      const paused = smp(deployment(), { spec: { paused: true } });
      const out = smp(paused, { spec: { paused: null } });
      assert.equal('paused' in out.spec, false);
      assert.equal(out.spec.replicas, 2);
    });

    it('cordon sets spec.unschedulable and uncordon removes it', () => {
      const node = frozen({ kind: 'Node', metadata: { name: 'n1' }, spec: { podCIDR: '10.0.0.0/24' } });
      const schema = builtinPatchSchema('Node')!;
      const cordoned = applyStrategicMergePatch(node, { spec: { unschedulable: true } }, schema) as any;
      assert.equal(cordoned.spec.unschedulable, true);
      const uncordoned = applyStrategicMergePatch(cordoned, { spec: { unschedulable: null } }, schema) as any;
      assert.deepEqual(uncordoned.spec, { podCIDR: '10.0.0.0/24' });
    });

    it('apply 3-way diff adding a container places it by $setElementOrder', () => {
      const doc = deployment([{ name: 'nginx', image: 'nginx:1.29' }]);
      const out = smp(doc, {
        metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [{ name: 'init-proxy' }, { name: 'nginx' }],
              containers: [{ image: 'envoy:1', name: 'init-proxy' }],
            },
          },
        },
      });
      assert.deepEqual(containersOf(out).map((c: any) => c.name), ['init-proxy', 'nginx']);
      assert.equal(out.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'], '{}');
      assertNoDirectives(out);
    });

    it('apply 3-way diff deleting a container uses $patch: delete', () => {
      const doc = deployment([{ name: 'nginx', image: 'nginx:1.29' }, { name: 'sidecar', image: 'busybox' }]);
      const out = smp(doc, {
        spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ $patch: 'delete', name: 'sidecar' }] } } },
      });
      assert.deepEqual(containersOf(out), [{ name: 'nginx', image: 'nginx:1.29' }]);
      assertNoDirectives(out);
    });

    it('apply 3-way diff reordering containers uses only $setElementOrder', () => {
      const doc = deployment([{ name: 'a', image: '1' }, { name: 'b', image: '2' }, { name: 'c', image: '3' }]);
      const out = smp(doc, { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }] } } } });
      assert.deepEqual(containersOf(out).map((c: any) => c.name), ['c', 'a', 'b']);
    });

    it('apply 3-way diff removing a finalizer uses $deleteFromPrimitiveList', () => {
      const out = smp(deployment(), {
        metadata: { '$deleteFromPrimitiveList/finalizers': ['a.example.com/x'], '$setElementOrder/finalizers': [] },
      });
      assert.deepEqual(out.metadata.finalizers, []);
      assertNoDirectives(out);
    });

    it('diff body with metadata.resourceVersion merges like any field', () => {
      const out = smp(deployment(), { metadata: { resourceVersion: '104' }, spec: { replicas: 3 } });
      assert.equal(out.spec.replicas, 3);
      assert.equal(out.metadata.resourceVersion, '104');
    });
  });

  describe('lists', () => {
    it('a new container without $setElementOrder goes before the live-only ones (apimachinery order)', () => {
      const out = smp(deployment([{ name: 'a', image: '1' }, { name: 'b', image: '2' }]), {
        spec: { template: { spec: { containers: [{ name: 'c', image: '3' }] } } },
      });
      assert.deepEqual(containersOf(out).map((c: any) => c.name), ['c', 'a', 'b']);
    });

    it('patch order wins over live order for the items the patch names', () => {
      const out = smp(deployment([{ name: '1' }, { name: '2', image: 'b' }, { name: '3' }]), {
        spec: { template: { spec: { containers: [{ name: '3', image: 'c' }, { name: '1', image: 'a' }] } } },
      });
      assert.deepEqual(containersOf(out), [{ name: '2', image: 'b' }, { name: '3', image: 'c' }, { name: '1', image: 'a' }]);
    });

    it('container ports merge by containerPort', () => {
      const doc = deployment([{ name: 'n', ports: [{ containerPort: 80, name: 'http' }] }]);
      const out = smp(doc, { spec: { template: { spec: { containers: [{ name: 'n', ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443 }] }] } } } });
      assert.deepEqual(containersOf(out)[0].ports, [{ containerPort: 80, name: 'http', protocol: 'TCP' }, { containerPort: 443 }]);
    });

    it('volumeMounts merge by mountPath', () => {
      const doc = deployment([{ name: 'n', volumeMounts: [{ mountPath: '/a', name: 'x' }] }]);
      const out = smp(doc, { spec: { template: { spec: { containers: [{ name: 'n', volumeMounts: [{ mountPath: '/a', readOnly: true }] }] } } } });
      assert.deepEqual(containersOf(out)[0].volumeMounts, [{ mountPath: '/a', name: 'x', readOnly: true }]);
    });

    it('a list without merge key (tolerations) is replaced', () => {
      const doc = frozen({ spec: { tolerations: [{ key: 'a' }, { key: 'b' }], containers: [] } });
      const out = smp(doc, { spec: { tolerations: [{ key: 'c' }] } }, POD);
      assert.deepEqual(out.spec.tolerations, [{ key: 'c' }]);
    });

    it('a list of scalars without merge strategy (args) is replaced', () => {
      const doc = deployment([{ name: 'n', args: ['a', 'b'] }]);
      const out = smp(doc, { spec: { template: { spec: { containers: [{ name: 'n', args: ['c'] }] } } } });
      assert.deepEqual(containersOf(out)[0].args, ['c']);
    });

    it('finalizers merge as a set', () => {
      const out = smp(deployment(), { metadata: { finalizers: ['a.example.com/x', 'b.example.com/y'] } });
      assert.deepEqual(out.metadata.finalizers, ['a.example.com/x', 'b.example.com/y']);
    });

    it('node podCIDRs merge as a set and addresses by type', () => {
      const node = frozen({
        spec: { podCIDRs: ['10.0.0.0/24'] },
        status: { addresses: [{ type: 'InternalIP', address: '10.1.1.1' }, { type: 'Hostname', address: 'n1' }] },
      });
      const out = applyStrategicMergePatch(
        node,
        { spec: { podCIDRs: ['fd00::/64'] }, status: { addresses: [{ type: 'InternalIP', address: '10.1.1.2' }] } },
        builtinPatchSchema('Node')!,
      ) as any;
      assert.deepEqual(out.spec.podCIDRs, ['fd00::/64', '10.0.0.0/24']);
      assert.deepEqual(out.status.addresses, [{ type: 'InternalIP', address: '10.1.1.2' }, { type: 'Hostname', address: 'n1' }]);
    });

    it('service ports merge by port', () => {
      const svc = frozen({ spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] } });
      const out = applyStrategicMergePatch(svc, { spec: { ports: [{ port: 80, targetPort: 9090 }] } }, builtinPatchSchema('Service')!) as any;
      assert.deepEqual(out.spec.ports, [{ port: 80, targetPort: 9090 }, { port: 443 }]);
    });

    it('ownerReferences merge by uid', () => {
      const doc = frozen({ metadata: { ownerReferences: [{ uid: 'u1', name: 'a', controller: true }] } });
      const out = smp(doc, { metadata: { ownerReferences: [{ uid: 'u1', blockOwnerDeletion: true }, { uid: 'u2', name: 'b' }] } });
      assert.deepEqual(out.metadata.ownerReferences, [
        { uid: 'u1', name: 'a', controller: true, blockOwnerDeletion: true },
        { uid: 'u2', name: 'b' },
      ]);
    });

    it('status conditions merge by type', () => {
      const doc = frozen({ status: { conditions: [{ type: 'Available', status: 'False' }, { type: 'Progressing', status: 'True' }] } });
      const out = smp(doc, { status: { conditions: [{ type: 'Available', status: 'True' }] } });
      assert.deepEqual(out.status.conditions, [{ type: 'Available', status: 'True' }, { type: 'Progressing', status: 'True' }]);
    });

    it('CronJob containers merge under spec.jobTemplate.spec.template.spec', () => {
      const cj = frozen({ spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'a', image: '1' }, { name: 'b', image: '2' }] } } } } } });
      const out = applyStrategicMergePatch(
        cj,
        { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'b', image: '3' }] } } } } } },
        builtinPatchSchema('CronJob')!,
      ) as any;
      assert.deepEqual(out.spec.jobTemplate.spec.template.spec.containers, [{ name: 'a', image: '1' }, { name: 'b', image: '3' }]);
    });

    it('{$patch: replace} in a merged list replaces the whole list', () => {
      const out = smp(deployment([{ name: 'a' }, { name: 'b' }]), {
        spec: { template: { spec: { containers: [{ $patch: 'replace' }, { name: 'c', image: 'x' }] } } },
      });
      assert.deepEqual(containersOf(out), [{ name: 'c', image: 'x' }]);
    });

    it('$patch: delete removes every item with that key', () => {
      const out = smp(deployment([{ name: 'a' }, { name: 'a', image: 'dup' }, { name: 'b' }]), {
        spec: { template: { spec: { containers: [{ name: 'a', $patch: 'delete' }] } } },
      });
      assert.deepEqual(containersOf(out), [{ name: 'b' }]);
    });

    it('$setElementOrder ignores names the list does not have', () => {
      const out = smp(deployment([{ name: 'a' }, { name: 'c' }]), {
        spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'b' }, { name: 'a' }] } } },
      });
      assert.deepEqual(containersOf(out), [{ name: 'c' }, { name: 'a' }]);
    });

    it('$setElementOrder orders a merged scalar list', () => {
      const out = smp(frozen({ metadata: { finalizers: ['x', 'y', 'z'] } }), { metadata: { '$setElementOrder/finalizers': ['z', 'x', 'y'] } });
      assert.deepEqual(out.metadata.finalizers, ['z', 'x', 'y']);
    });

    it('a new list with $patch: delete items and nested directives comes out clean', () => {
      const out = smp(frozen({ spec: {} }), {
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [{ name: 'a' }],
              containers: [{ name: 'a', '$setElementOrder/env': [{ name: 'X' }], env: [{ name: 'X', value: '1' }] }, { name: 'gone', $patch: 'delete' }],
            },
          },
        },
      });
      assert.deepEqual(out.spec.template.spec.containers, [{ name: 'a', env: [{ name: 'X', value: '1' }] }]);
      assertNoDirectives(out);
    });
  });

  describe('maps and retainKeys', () => {
    it('$patch: replace on a map replaces it with the patch content', () => {
      const out = smp(deployment(), { spec: { selector: { $patch: 'replace', matchLabels: { app: 'new' } } } });
      assert.deepEqual(out.spec.selector, { matchLabels: { app: 'new' } });
    });

    it('$patch: delete on a map removes the field', () => {
      const out = smp(deployment(), { spec: { strategy: { rollingUpdate: { $patch: 'delete' } } } });
      assert.deepEqual(out.spec.strategy, { type: 'RollingUpdate' });
    });

    it('$patch: merge on a map is the default merge', () => {
      const out = smp(deployment(), { spec: { selector: { $patch: 'merge', matchLabels: { tier: 'x' } } } });
      assert.deepEqual(out.spec.selector, { matchLabels: { app: 'web', tier: 'x' } });
    });

    it('$retainKeys on deployment strategy clears rollingUpdate when switching to Recreate', () => {
      const out = smp(deployment(), { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } });
      assert.deepEqual(out.spec.strategy, { type: 'Recreate' });
    });

    it('$retainKeys on a pod volume swaps its source', () => {
      const pod = frozen({ spec: { containers: [], volumes: [{ name: 'data', emptyDir: {} }, { name: 'other', emptyDir: {} }] } });
      const out = smp(pod, { spec: { volumes: [{ $retainKeys: ['configMap', 'name'], configMap: { name: 'cm' }, name: 'data' }] } }, POD);
      assert.deepEqual(out.spec.volumes, [{ name: 'data', configMap: { name: 'cm' } }, { name: 'other', emptyDir: {} }]);
      assertNoDirectives(out);
    });

    it('a patch key missing from $retainKeys is 400 BadRequest', () => {
      expectStatus(() => smp(deployment(), { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: { maxSurge: 1 } } } }), 'BadRequest', 400);
    });

    it('null in a newly added object is dropped', () => {
      const out = smp(frozen({ metadata: { name: 'x' } }), { spec: { a: 1, b: null } });
      assert.deepEqual(out.spec, { a: 1 });
    });

    it('a scalar replaced by an object loses the object\'s directives', () => {
      const out = smp(frozen({ spec: { x: 1 } }), { spec: { x: { $patch: 'replace', a: 1 } } });
      assert.deepEqual(out.spec.x, { a: 1 });
    });

    it('with an empty schema it behaves as a merge patch on maps', () => {
      const out = applyStrategicMergePatch(frozen({ a: { b: 1, c: [1, 2] } }), { a: { b: null, c: [3], d: 'x' } }, definePatchSchema({})) as any;
      assert.deepEqual(out, { a: { c: [3], d: 'x' } });
    });

    it('never mutates the document or the patch', () => {
      const doc = deployment([{ name: 'nginx', image: 'nginx:1.29' }]);
      const patch = frozen({ spec: { template: { spec: { containers: [{ name: 'new', env: [{ name: 'A' }] }] } } } });
      const out = smp(doc, patch);
      out.spec.template.spec.containers[0].env[0].value = 'mutated';
      assert.equal((patch.spec.template.spec.containers[0].env[0] as any).value, undefined);
    });
  });

  describe('errors', () => {
    it('a non-object patch is 400 BadRequest', () => {
      expectStatus(() => smp(deployment(), [{ op: 'add' }]), 'BadRequest', 400);
    });

    it('a merged list item without its merge key is 400 BadRequest', () => {
      expectStatus(() => smp(deployment(), { spec: { template: { spec: { containers: [{ image: 'nginx' }] } } } }), 'BadRequest', 400);
    });

    it('a $patch: delete item without its merge key is 400 BadRequest', () => {
      expectStatus(() => smp(deployment(), { spec: { template: { spec: { containers: [{ $patch: 'delete' }] } } } }), 'BadRequest', 400);
    });

    it('an unknown $patch value is 400 BadRequest', () => {
      expectStatus(() => smp(deployment(), { spec: { $patch: 'explode' } }), 'BadRequest', 400);
    });

    it('a patch list out of $setElementOrder order is 400 BadRequest', () => {
      expectStatus(
        () =>
          smp(deployment([{ name: 'a' }, { name: 'b' }]), {
            spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'b' }, { name: 'a' }] } } },
          }),
        'BadRequest',
        400,
      );
    });

    it('a $setElementOrder that is not a list is 400 BadRequest', () => {
      expectStatus(() => smp(deployment(), { spec: { template: { spec: { '$setElementOrder/containers': 'nginx' } } } }), 'BadRequest', 400);
    });

    it('a $deleteFromPrimitiveList that is not a list is 400 BadRequest', () => {
      expectStatus(() => smp(deployment(), { metadata: { '$deleteFromPrimitiveList/finalizers': 'x' } }), 'BadRequest', 400);
    });

    it('a merged list of lists is 422 Invalid', () => {
      expectStatus(() => smp(frozen({ metadata: { finalizers: [['a']] } }), { metadata: { finalizers: [['b']] } }), 'Invalid', 422);
    });

    it('objects and scalars mixed in a merged list is 400 BadRequest', () => {
      expectStatus(() => smp(deployment(), { spec: { template: { spec: { containers: ['nginx'] } } } }), 'BadRequest', 400);
    });
  });
});
