/**
 * Bodies recorded from the real kubectl 1.32.4 (fixtures/capture-kubectl.js) decode to the JSON
 * kubectl itself produces for the same object.
 */
import assert from 'node:assert/strict';
import { decodeProtobufObject } from './index';
import { hexDoc } from './testing';
import fixtures from './fixtures/kubectl-bodies.json';

interface Captured {
  id: string;
  argv: string[];
  method: string;
  path: string;
  contentType: string;
  userAgent: string;
  hex: string;
  dryRunJson?: unknown;
}

const bodies = fixtures.bodies as Captured[];

function body(id: string): Buffer {
  const b = bodies.find((x) => x.id === id);
  assert.ok(b, `fixture ${id} is missing`);
  return Buffer.from(b.hex, 'hex');
}

function decode(id: string): Record<string, unknown> {
  return decodeProtobufObject(body(id)).object;
}

/** Go writes a zero metav1.Time as null; the decoder leaves it out. */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = withoutNulls(x);
    return out;
  }
  return v;
}

describe('protobuf: bodies captured from kubectl 1.32', () => {
  it('were recorded from kubectl v1.32.4 with the protobuf content type and magic', () => {
    assert.ok(bodies.length >= 30);
    for (const b of bodies) {
      assert.match(b.userAgent, /^kubectl\/v1\.32\.4 /, b.id);
      assert.equal(b.contentType, 'application/vnd.kubernetes.protobuf', b.id);
      assert.ok(b.hex.startsWith('6b387300'), b.id);
    }
  });

  it('every captured body decodes', () => {
    for (const b of bodies) {
      const { apiVersion, kind, object } = decodeProtobufObject(Buffer.from(b.hex, 'hex'));
      assert.equal(object.apiVersion, apiVersion, b.id);
      assert.equal(object.kind, kind, b.id);
    }
  });

  it('the surface doc hex for `kubectl create ns demo` is byte-identical to the captured body', () => {
    const doc = hexDoc(
      '6b387300 0a0f[0a02"v1" 1209"Namespace"] 121c[0a14[0a04"demo" 1200 1a00 2200 2a00 3200 3800 4200] 1200 1a02 0a00] 1a00 2200',
    );
    assert.deepEqual(doc, body('create-ns'));
    // Empty structs on the wire are kept, as in kubectl's own JSON for the object.
    assert.deepEqual(decodeProtobufObject(doc), {
      apiVersion: 'v1',
      kind: 'Namespace',
      object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' }, spec: {}, status: {} },
    });
  });

  describe('each `kubectl create` body equals `kubectl create … --dry-run=client -o json` (zero Time null -> absent)', () => {
    for (const b of bodies.filter((x) => x.dryRunJson !== undefined)) {
      it(`${b.argv.slice(1).join(' ')}`, () => {
        assert.deepStrictEqual(decodeProtobufObject(Buffer.from(b.hex, 'hex')).object, withoutNulls(b.dryRunJson));
      });
    }
  });

  it('create deployment web --image=nginx --replicas=2', () => {
    assert.deepStrictEqual(decode('create-deployment'), {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }] },
        },
        strategy: {},
      },
      status: {},
    });
  });

  it('an explicit zero survives where Go has a pointer or a non-omitempty field', () => {
    assert.equal((decode('create-deployment-zero').spec as { replicas: number }).replicas, 0);
    assert.equal(decode('create-priorityclass-zero').value, 0);
    assert.deepStrictEqual(decode('drain-delete-grace'), { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 });
  });

  it('configmap data map, binaryData and secret data as base64', () => {
    assert.deepStrictEqual(decode('create-configmap'), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x' },
      data: { a: 'b', c: 'd' },
    });
    const bin = decode('create-configmap-binary');
    assert.deepStrictEqual(bin.data, { empty: '', text: 'line one\nline two\n' });
    assert.deepStrictEqual(bin.binaryData, { blob: Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x41, 0x0a]).toString('base64') });
    assert.deepStrictEqual(decode('create-secret-generic'), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      data: { k: Buffer.from('v').toString('base64') },
    });
  });

  it('service ports: IntOrString targetPort as number or name', () => {
    const clusterIP = decode('create-service-clusterip').spec as { ports: unknown[] };
    assert.deepStrictEqual(clusterIP.ports, [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }]);
    const nodePort = decode('create-service-nodeport').spec as { ports: unknown[] };
    assert.deepStrictEqual(nodePort.ports, [{ name: '80-http', protocol: 'TCP', port: 80, targetPort: 'http', nodePort: 30080 }]);
  });

  it('rbac: the core group "" stays in apiGroups', () => {
    const role = decode('create-role') as { rules: Array<{ apiGroups: string[] }> };
    assert.deepStrictEqual(role.rules[0].apiGroups, ['']);
    assert.deepStrictEqual(role.rules[1].apiGroups, ['apps']);
  });

  it('auth can-i create pods (SelfSubjectAccessReview)', () => {
    assert.deepStrictEqual(decode('auth-can-i'), {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: {},
      spec: { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } },
      status: { allowed: false },
    });
    assert.deepStrictEqual((decode('auth-can-i-sub').spec as Record<string, unknown>).resourceAttributes, {
      namespace: 'kube-system',
      verb: 'get',
      resource: 'pods',
      subresource: 'log',
      name: 'p1',
    });
    assert.deepStrictEqual(decode('auth-can-i-nonresource').spec, { nonResourceAttributes: { path: '/logs', verb: 'get' } });
  });

  it('auth can-i --list (SelfSubjectRulesReview) and auth whoami (SelfSubjectReview)', () => {
    assert.deepStrictEqual(decode('auth-can-i-list'), {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectRulesReview',
      metadata: {},
      spec: { namespace: 'dev' },
      status: { incomplete: false },
    });
    assert.deepStrictEqual(decode('auth-whoami'), {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
      metadata: {},
      status: { userInfo: {} },
    });
  });

  it('create token (TokenRequest)', () => {
    assert.deepStrictEqual(decode('create-token'), {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: {},
      spec: {},
      status: {},
    });
    assert.deepStrictEqual(decode('create-token-opts').spec, { audiences: ['a', 'b'], expirationSeconds: 3600 });
  });

  it('autoscale (kubectl 1.32 sends autoscaling/v1)', () => {
    assert.deepStrictEqual(decode('autoscale'), {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' },
        minReplicas: 1,
        maxReplicas: 3,
        targetCPUUtilizationPercentage: 50,
      },
      status: {},
    });
  });

  it('certificate approve (PUT …/approval with the whole CSR)', () => {
    const csr = decode('certificate-approve') as {
      metadata: Record<string, unknown>;
      spec: Record<string, unknown>;
      status: { conditions: Array<Record<string, unknown>> };
    };
    assert.deepStrictEqual(csr.metadata, {
      name: 'csr1',
      uid: 'u-csr1',
      resourceVersion: '7',
      creationTimestamp: '2026-01-01T00:00:00Z',
    });
    assert.equal(
      Buffer.from(csr.spec.request as string, 'base64').toString('utf8'),
      '-----BEGIN CERTIFICATE REQUEST-----\nAA==\n-----END CERTIFICATE REQUEST-----\n',
    );
    assert.equal(csr.spec.signerName, 'kubernetes.io/kube-apiserver-client');
    assert.deepStrictEqual(csr.spec.usages, ['client auth']);
    assert.equal(csr.spec.expirationSeconds, 3600);
    assert.equal(csr.status.conditions.length, 1);
    const [cond] = csr.status.conditions;
    assert.equal(cond.type, 'Approved');
    assert.equal(cond.status, 'True');
    assert.equal(cond.reason, 'KubectlApprove');
    assert.match(cond.lastUpdateTime as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("drain's DELETE fallback (DeleteOptions with all defaults)", () => {
    assert.deepStrictEqual(decode('drain-delete'), { apiVersion: 'v1', kind: 'DeleteOptions' });
  });
});
