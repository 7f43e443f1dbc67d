import assert from 'node:assert/strict';
import { decodeProtobufObject } from './index';
import { expectStatus, meta, pb } from './testing';

const decode = (body: Buffer) => decodeProtobufObject(body).object;

describe('protobuf: decodeProtobufObject', () => {
  describe('SelfSubjectAccessReview layout', () => {
    it('spec(2) -> resourceAttributes(1){namespace=1 verb=2 group=3 version=4 resource=5 subresource=6 name=7}', () => {
      const raw = Buffer.concat([
        meta(''),
        pb.msg(
          2,
          pb.msg(
            1,
            pb.str(1, 'team-a'),
            pb.str(2, 'update'),
            pb.str(3, 'apps'),
            pb.str(4, 'v1'),
            pb.str(5, 'deployments'),
            pb.str(6, 'scale'),
            pb.str(7, 'web'),
          ),
        ),
        pb.msg(3, pb.bool(1, false), pb.str(2, ''), pb.str(3, ''), pb.bool(4, false)),
      ]);
      assert.deepStrictEqual(decode(pb.envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', raw)), {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        metadata: {},
        spec: {
          resourceAttributes: {
            namespace: 'team-a',
            verb: 'update',
            group: 'apps',
            version: 'v1',
            resource: 'deployments',
            subresource: 'scale',
            name: 'web',
          },
        },
        status: { allowed: false },
      });
    });
  });

  describe('special types', () => {
    it('Time -> RFC 3339 (whole seconds, as metav1.Time); empty or Go zero Time -> absent', () => {
      const at = Date.UTC(2024, 1, 29, 13, 14, 15) / 1000;
      const obj = decode(
        pb.envelope(
          'v1',
          'ConfigMap',
          meta('c', pb.msg(9, pb.int(1, at), pb.int(2, 999_000_000))),
        ),
      ) as { metadata: Record<string, unknown> };
      assert.deepStrictEqual(obj.metadata, { name: 'c', deletionTimestamp: '2024-02-29T13:14:15Z' });

      const zero = decode(pb.envelope('v1', 'ConfigMap', meta('c', pb.msg(9, pb.int(1, -62135596800))))) as {
        metadata: Record<string, unknown>;
      };
      assert.deepStrictEqual(zero.metadata, { name: 'c' });

      const epoch = decode(pb.envelope('v1', 'ConfigMap', meta('c', pb.msg(9, pb.int(1, 0), pb.int(2, 0))))) as {
        metadata: Record<string, unknown>;
      };
      assert.equal(epoch.metadata.deletionTimestamp, '1970-01-01T00:00:00Z');
    });

    it('Time outside 0001..9999 is a BadRequest', () => {
      expectStatus(() => decode(pb.envelope('v1', 'ConfigMap', meta('c', pb.msg(9, pb.int(1, 253402300800n))))), 'BadRequest');
    });

    it('Quantity -> string; an empty quantity in a map is "0"', () => {
      const raw = Buffer.concat([
        meta('q'),
        pb.msg(
          2,
          pb.entry(1, 'cpu', pb.msg(2, pb.str(1, '500m'))),
          pb.entry(1, 'memory', pb.msg(2)),
          pb.entry(1, 'pods'),
        ),
      ]);
      const obj = decode(pb.envelope('v1', 'ResourceQuota', raw)) as { spec: unknown };
      assert.deepStrictEqual(obj.spec, { hard: { cpu: '500m', memory: '0', pods: '0' } });
    });

    it('IntOrString: type 0 -> intVal (0 included), type 1 -> strVal', () => {
      const raw = Buffer.concat([
        meta('p'),
        pb.msg(2, pb.msg(1, pb.int(1, 1), pb.int(2, 0), pb.str(3, '25%')), pb.msg(3, pb.int(1, 0), pb.int(2, 0), pb.str(3, ''))),
      ]);
      const obj = decode(pb.envelope('policy/v1', 'PodDisruptionBudget', raw)) as { spec: unknown };
      assert.deepStrictEqual(obj.spec, { minAvailable: '25%', maxUnavailable: 0 });
    });

    it('FieldsV1 raw bytes -> parsed JSON (managedFields)', () => {
      const fields = { 'f:data': { 'f:a': {} } };
      const raw = meta(
        'c',
        pb.msg(
          17,
          pb.str(1, 'kubectl'),
          pb.str(2, 'Update'),
          pb.str(3, 'v1'),
          pb.msg(4, pb.int(1, 1_700_000_000)),
          pb.str(6, 'FieldsV1'),
          pb.msg(7, pb.bytes(1, Buffer.from(JSON.stringify(fields)))),
        ),
      );
      const obj = decode(pb.envelope('v1', 'ConfigMap', raw)) as { metadata: { managedFields: unknown[] } };
      assert.deepStrictEqual(obj.metadata.managedFields, [
        { manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2023-11-14T22:13:20Z', fieldsType: 'FieldsV1', fieldsV1: fields },
      ]);
    });

    it('invalid JSON inside FieldsV1 is a BadRequest', () => {
      const raw = meta('c', pb.msg(17, pb.msg(7, pb.bytes(1, Buffer.from('{nope')))));
      expectStatus(() => decode(pb.envelope('v1', 'ConfigMap', raw)), 'BadRequest');
    });

    it('ExtraValue maps -> string arrays (UserInfo.extra)', () => {
      const raw = Buffer.concat([
        meta(''),
        pb.msg(2, pb.str(1, 'tok')),
        pb.msg(3, pb.bool(1, true), pb.msg(2, pb.str(1, 'alice'), pb.entry(4, 'scopes', pb.msg(2, pb.str(1, 'a'), pb.str(1, 'b'))))),
      ]);
      const obj = decode(pb.envelope('authentication.k8s.io/v1', 'TokenReview', raw));
      assert.deepStrictEqual(obj.status, { authenticated: true, user: { username: 'alice', extra: { scopes: ['a', 'b'] } } });
    });

    it('bytes -> base64, non-UTF-8 bytes included', () => {
      const raw = Buffer.concat([meta('s'), pb.entry(2, 'bin', pb.bytes(2, Buffer.from([0xff, 0x00, 0xc3]))), pb.entry(2, 'empty')]);
      const obj = decode(pb.envelope('v1', 'Secret', raw));
      assert.deepStrictEqual(obj.data, { bin: '/wDD', empty: '' });
    });
  });

  describe('presence and zero values', () => {
    it('pointer messages keep their presence: emptyDir: {} and a PDB selector: {}', () => {
      const podSpec = pb.msg(
        2,
        pb.msg(1, pb.str(1, 'scratch'), pb.msg(2, pb.msg(2, pb.str(1, '')))),
        pb.msg(1, pb.str(1, 'cfg'), pb.msg(2, pb.msg(19, pb.msg(1, pb.str(1, 'app-config')), pb.int(3, 420)))),
        pb.msg(2, pb.str(1, 'c'), pb.str(2, 'busybox')),
      );
      const obj = decode(pb.envelope('v1', 'Pod', Buffer.concat([meta('p'), podSpec]))) as { spec: unknown };
      assert.deepStrictEqual(obj.spec, {
        volumes: [
          { name: 'scratch', emptyDir: {} },
          { name: 'cfg', configMap: { name: 'app-config', defaultMode: 420 } },
        ],
        containers: [{ name: 'c', image: 'busybox' }],
      });

      const pdb = decode(pb.envelope('policy/v1', 'PodDisruptionBudget', Buffer.concat([meta('all'), pb.msg(2, pb.msg(2))])));
      assert.deepStrictEqual(pdb.spec, { selector: {} });
    });

    it('zero scalars are omitted unless the field is a pointer (replicas: 0, optional: false)', () => {
      const envFrom = pb.msg(19, pb.str(1, ''), pb.msg(2, pb.msg(1, pb.str(1, 'cm')), pb.bool(2, false)));
      const container = pb.msg(2, pb.str(1, 'c'), pb.str(2, ''), pb.bool(16, false), pb.str(13, ''), envFrom);
      const template = pb.msg(3, pb.msg(1), pb.msg(2, container, pb.int(4, 0)));
      const spec = pb.msg(2, pb.int(1, 0), template, pb.int(5, 0), pb.bool(7, false));
      const obj = decode(pb.envelope('apps/v1', 'Deployment', Buffer.concat([meta('d'), spec])));
      assert.deepStrictEqual(obj.spec, {
        replicas: 0,
        template: {
          metadata: {},
          spec: {
            containers: [{ name: 'c', envFrom: [{ configMapRef: { name: 'cm', optional: false } }] }],
            terminationGracePeriodSeconds: 0,
          },
        },
      });
    });

    it('repeated strings keep empty entries', () => {
      const raw = Buffer.concat([meta('r'), pb.msg(2, pb.str(1, 'get'), pb.str(2, ''), pb.str(2, 'apps'), pb.str(3, 'pods'))]);
      const obj = decode(pb.envelope('rbac.authorization.k8s.io/v1', 'ClusterRole', raw));
      assert.deepStrictEqual(obj.rules, [{ verbs: ['get'], apiGroups: ['', 'apps'], resources: ['pods'] }]);
    });

    it('map keys are plain own keys, "__proto__" included', () => {
      const raw = meta('c', pb.entry(11, '__proto__', pb.str(2, 'x')), pb.entry(11, 'constructor', pb.str(2, 'y')));
      const obj = decode(pb.envelope('v1', 'ConfigMap', raw)) as { metadata: { labels: Record<string, string> } };
      const { labels } = obj.metadata;
      assert.deepEqual(Object.keys(labels), ['__proto__', 'constructor']);
      assert.equal(Object.getPrototypeOf(labels), Object.prototype);
      assert.equal(JSON.stringify(labels), '{"__proto__":"x","constructor":"y"}');
      const quota = Buffer.concat([meta('q'), pb.msg(2, pb.entry(1, '__proto__', pb.msg(2, pb.str(1, '1'))))]);
      const spec = decode(pb.envelope('v1', 'ResourceQuota', quota)).spec as { hard: Record<string, unknown> };
      assert.equal(Object.getPrototypeOf(spec.hard), Object.prototype);
      assert.equal(JSON.stringify(spec.hard), '{"__proto__":"1"}');
    });

    it('top-level metadata is always present', () => {
      assert.deepStrictEqual(decode(pb.envelope('v1', 'ServiceAccount', Buffer.alloc(0))), {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: {},
      });
    });
  });
});
