import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StatusError } from '../status';
import { decodeProtobufObject, hasProtobufMagic, SUPPORTED_PROTOBUF_KINDS } from './index';
import { expectStatus, meta, pb } from './testing';
import fixtures from './fixtures/kubectl-bodies.json';

const decode = (body: Buffer) => decodeProtobufObject(body).object;

describe('protobuf: decodeProtobufObject', () => {
  describe('wire-level details', () => {
    it('negative int32 written as a 10-byte varint', () => {
      const obj = decode(pb.envelope('scheduling.k8s.io/v1', 'PriorityClass', Buffer.concat([meta('low'), pb.int(2, -5)])));
      assert.equal(obj.value, -5);
      assert.equal(pb.int(2, -5).length, 11);
    });

    it('repeated int64 packed and unpacked', () => {
      const secCtx = (groups: Buffer) => pb.msg(2, pb.msg(2, pb.str(1, 'c')), pb.msg(14, groups));
      for (const groups of [pb.packed(4, [1000, 2000, 300000]), Buffer.concat([pb.int(4, 1000), pb.int(4, 2000), pb.int(4, 300000)])]) {
        const obj = decode(pb.envelope('v1', 'Pod', Buffer.concat([meta('p'), secCtx(groups)]))) as {
          spec: { securityContext: unknown };
        };
        assert.deepStrictEqual(obj.spec.securityContext, { supplementalGroups: [1000, 2000, 300000] });
      }
    });

    it('unknown fields are skipped, whatever their wire type', () => {
      const raw = Buffer.concat([
        meta('c', pb.str(99, 'future')),
        pb.int(50, 7),
        pb.fixed64(51, 1.5),
        pb.msg(52, pb.str(1, 'x')),
        pb.entry(2, 'k', pb.str(2, 'v')),
      ]);
      assert.deepStrictEqual(decode(pb.envelope('v1', 'ConfigMap', raw)), {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'c' },
        data: { k: 'v' },
      });
    });

    it('a singular message split over two occurrences is merged; a repeated scalar last-wins', () => {
      const raw = Buffer.concat([meta('a'), meta('b', pb.entry(11, 'x', pb.str(2, '1'))), pb.str(3, 'first'), pb.str(3, 'Opaque')]);
      const obj = decode(pb.envelope('v1', 'Secret', raw));
      assert.deepStrictEqual(obj, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'b', labels: { x: '1' } }, type: 'Opaque' });
    });

    it('inline structs are flattened (EphemeralContainer, Probe handler, key selectors)', () => {
      const probe = pb.msg(10, pb.msg(1, pb.msg(2, pb.str(1, '/healthz'), pb.msg(2, pb.int(1, 1), pb.str(3, 'http')))), pb.int(4, 5));
      const env = pb.msg(7, pb.str(1, 'PASSWORD'), pb.msg(3, pb.msg(4, pb.msg(1, pb.str(1, 'db')), pb.str(2, 'pw'))));
      const eph = pb.msg(34, pb.msg(1, pb.str(1, 'debug'), pb.str(2, 'busybox'), probe, env), pb.str(2, 'app'));
      const obj = decode(pb.envelope('v1', 'Pod', Buffer.concat([meta('p'), pb.msg(2, eph)]))) as { spec: unknown };
      assert.deepStrictEqual(obj.spec, {
        ephemeralContainers: [
          {
            name: 'debug',
            image: 'busybox',
            env: [{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'pw' } } }],
            livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
            targetContainerName: 'app',
          },
        ],
      });
    });
  });

  describe('envelope', () => {
    it('DeleteOptions is accepted under any group version', () => {
      const raw = Buffer.concat([pb.int(1, 30), pb.str(4, 'Foreground'), pb.str(5, 'All'), pb.msg(2, pb.str(1, 'u-1'))]);
      for (const gv of ['v1', 'meta.k8s.io/v1', 'apps/v1', 'batch/v1']) {
        assert.deepStrictEqual(decode(pb.envelope(gv, 'DeleteOptions', raw)), {
          apiVersion: gv,
          kind: 'DeleteOptions',
          gracePeriodSeconds: 30,
          preconditions: { uid: 'u-1' },
          propagationPolicy: 'Foreground',
          dryRun: ['All'],
        });
      }
    });

    it('an explicit protobuf contentType is accepted; embedded JSON is parsed', () => {
      const raw = Buffer.concat([meta('c'), pb.entry(2, 'a', pb.str(2, 'b'))]);
      assert.deepStrictEqual(
        decode(pb.envelope('v1', 'ConfigMap', raw, { contentType: 'application/vnd.kubernetes.protobuf', contentEncoding: '' })),
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } },
      );
      const json = Buffer.from(JSON.stringify({ metadata: { name: 'j' }, data: { x: 'y' } }));
      assert.deepStrictEqual(decode(pb.envelope('v1', 'ConfigMap', json, { contentType: 'application/json' })), {
        metadata: { name: 'j' },
        data: { x: 'y' },
        apiVersion: 'v1',
        kind: 'ConfigMap',
      });
    });

    it('empty TypeMeta uses the caller-provided defaults, or is a BadRequest', () => {
      const body = Buffer.concat([Buffer.from('k8s\0', 'latin1'), pb.msg(1), pb.bytes(2, meta('n'))]);
      const out = decodeProtobufObject(body, { defaults: { apiVersion: 'v1', kind: 'Namespace' } });
      assert.deepStrictEqual(out.object, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } });
      expectStatus(() => decodeProtobufObject(body), 'BadRequest');
    });

    it('accepts a Uint8Array as well as a Buffer', () => {
      const buf = pb.envelope('v1', 'Namespace', meta('u'));
      assert.deepStrictEqual(decodeProtobufObject(new Uint8Array(buf)).object.metadata, { name: 'u' });
      assert.equal(hasProtobufMagic(buf), true);
      assert.equal(hasProtobufMagic(Buffer.from('{"kind"')), false);
    });

    it('lists the supported kinds', () => {
      const keys = SUPPORTED_PROTOBUF_KINDS.map((k) => `${k.apiVersion}/${k.kind}`);
      for (const k of [
        'v1/Namespace',
        'v1/ConfigMap',
        'v1/Secret',
        'v1/Service',
        'v1/ServiceAccount',
        'v1/ResourceQuota',
        'v1/DeleteOptions',
        'apps/v1/Deployment',
        'batch/v1/Job',
        'batch/v1/CronJob',
        'rbac.authorization.k8s.io/v1/Role',
        'rbac.authorization.k8s.io/v1/RoleBinding',
        'rbac.authorization.k8s.io/v1/ClusterRole',
        'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
        'authorization.k8s.io/v1/SelfSubjectAccessReview',
        'authorization.k8s.io/v1/SelfSubjectRulesReview',
        'authentication.k8s.io/v1/SelfSubjectReview',
        'authentication.k8s.io/v1/TokenRequest',
        'autoscaling/v1/HorizontalPodAutoscaler',
        'autoscaling/v2/HorizontalPodAutoscaler',
        'policy/v1/PodDisruptionBudget',
        'scheduling.k8s.io/v1/PriorityClass',
        'certificates.k8s.io/v1/CertificateSigningRequest',
      ]) {
        assert.ok(keys.includes(k), k);
      }
    });

    it('autoscaling/v2 HorizontalPodAutoscaler with a resource metric', () => {
      const target = pb.msg(2, pb.str(1, 'Utilization'), pb.int(4, 70));
      const metric = pb.msg(4, pb.str(1, 'Resource'), pb.msg(4, pb.str(1, 'cpu'), target));
      const spec = pb.msg(2, pb.msg(1, pb.str(1, 'Deployment'), pb.str(2, 'web'), pb.str(3, 'apps/v1')), pb.int(2, 1), pb.int(3, 5), metric);
      const obj = decode(pb.envelope('autoscaling/v2', 'HorizontalPodAutoscaler', Buffer.concat([meta('web'), spec])));
      assert.deepStrictEqual(obj.spec, {
        scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' },
        minReplicas: 1,
        maxReplicas: 5,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      });
    });
  });

  describe('errors', () => {
    it('no magic prefix -> BadRequest', () => {
      expectStatus(() => decodeProtobufObject(Buffer.from('{"kind":"Namespace"}')), 'BadRequest');
      expectStatus(() => decodeProtobufObject(Buffer.alloc(0)), 'BadRequest');
      expectStatus(() => decodeProtobufObject(Buffer.from('k8s')), 'BadRequest');
    });

    it('unknown kind -> UnsupportedMediaType (415)', () => {
      const err = expectStatus(() => decodeProtobufObject(pb.envelope('example.com/v1', 'Widget', Buffer.alloc(0))), 'UnsupportedMediaType');
      assert.match(err.message, /Widget/);
      expectStatus(() => decodeProtobufObject(pb.envelope('apps/v1', 'Namespace', Buffer.alloc(0))), 'UnsupportedMediaType');
    });

    it('content encodings and foreign content types -> UnsupportedMediaType', () => {
      expectStatus(() => decodeProtobufObject(pb.envelope('v1', 'Namespace', Buffer.alloc(0), { contentEncoding: 'gzip' })), 'UnsupportedMediaType');
      expectStatus(() => decodeProtobufObject(pb.envelope('v1', 'Namespace', Buffer.alloc(0), { contentType: 'application/yaml' })), 'UnsupportedMediaType');
    });

    it('truncated or malformed bytes -> BadRequest', () => {
      const good = pb.envelope('apps/v1', 'Deployment', Buffer.from((fixtures.bodies.find((b) => b.id === 'create-deployment') as { hex: string }).hex, 'hex').subarray(4));
      expectStatus(() => decodeProtobufObject(good.subarray(0, good.length - 3)), 'BadRequest');
      const real = Buffer.from(fixtures.bodies[0].hex, 'hex');
      expectStatus(() => decodeProtobufObject(real.subarray(0, 20)), 'BadRequest');
      // wire type 3 (start group) is not used by Kubernetes
      expectStatus(() => decodeProtobufObject(pb.envelope('v1', 'Namespace', Buffer.from([0x0b]))), 'BadRequest');
      // a varint where a string is expected
      expectStatus(() => decodeProtobufObject(pb.envelope('v1', 'Namespace', pb.msg(1, pb.int(1, 5)))), 'BadRequest');
      // a string where a varint is expected
      expectStatus(() => decodeProtobufObject(pb.envelope('apps/v1', 'Deployment', pb.msg(2, pb.str(1, 'two')))), 'BadRequest');
      // embedded JSON that is not an object
      expectStatus(() => decodeProtobufObject(pb.envelope('v1', 'ConfigMap', Buffer.from('[1]'), { contentType: 'application/json' })), 'BadRequest');
      // not binary at all
      expectStatus(() => decodeProtobufObject('k8s\0' as unknown as Buffer), 'BadRequest');
    });

    it('never throws anything but a 400/415 StatusError (fuzz)', () => {
      const seeds = fixtures.bodies.map((b) => Buffer.from(b.hex, 'hex'));
      const check = (body: Buffer) => {
        try {
          const out = decodeProtobufObject(body);
          assert.equal(typeof out.object, 'object');
          JSON.stringify(out.object);
        } catch (err) {
          assert.ok(err instanceof StatusError, `threw ${String(err)}`);
          assert.ok(err.code === 400 || err.code === 415, `code ${err.code}`);
        }
      };
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: seeds.length - 1 }),
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
          fc.nat(),
          (i, flips, cut) => {
            const body = Buffer.from(seeds[i]);
            for (const [pos, byte] of flips) body[4 + (pos % Math.max(1, body.length - 4))] = byte;
            check(body.subarray(0, Math.max(4, body.length - (cut % 8))));
          },
        ),
        { numRuns: 3000 },
      );
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => check(Buffer.concat([Buffer.from('k8s\0', 'latin1'), bytes]))),
        { numRuns: 2000 },
      );
    });
  });
});
