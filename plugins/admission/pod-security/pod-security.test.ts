import assert from 'node:assert/strict';
import type { Server } from '../../../core/server/server';
import { AUDIT_ANNOTATIONS_STATE } from '../shared/admission';
import { getApiHooks } from '../../../core/registry/registry';
import { api, createNamespace, pod, startAdmission, type Api, type Obj } from '../shared/testing';
import PodSecurity, { AUDIT_VIOLATIONS_ANNOTATION } from '.';

const hardened = { name: 'c', image: 'nginx', securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, capabilities: { drop: ['ALL'] } } };

describe('admission/PodSecurity', function () {
  this.timeout(20000);
  let server: Server;
  let a: Api;
  let audited: Array<Record<string, string> | undefined>;
  beforeEach(async () => {
    server = await startAdmission([PodSecurity]);
    audited = [];
    getApiHooks(server).validatingAdmission.tapPromise({ name: 'AuditSpy', stage: 10000 }, async (attrs) => {
      audited.push(attrs.ctx.state.get(AUDIT_ANNOTATIONS_STATE) as Record<string, string> | undefined);
    });
    a = api(server);
  });
  afterEach(() => server.stop(0));

  it('enforce=restricted refuses a default pod with 403 Forbidden', async () => {
    await createNamespace(a, 'strict', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    const r = await a.call('POST', '/api/v1/namespaces/strict/pods', pod('p'));
    const s = r.json<Obj>();
    assert.equal(r.status, 403);
    assert.equal(s.reason, 'Forbidden');
    assert.match(s.message, /^pods "p" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false/);
  });

  it('enforce=restricted admits a hardened pod', async () => {
    await createNamespace(a, 'strict', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    assert.equal((await a.call('POST', '/api/v1/namespaces/strict/pods', pod('p', { containers: [hardened] }))).status, 201);
  });

  it('enforce=baseline refuses hostNetwork but admits a default pod', async () => {
    await createNamespace(a, 'base', { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.30' });
    const r = await a.call('POST', '/api/v1/namespaces/base/pods', pod('p', { hostNetwork: true }));
    assert.equal(r.status, 403);
    assert.match(r.json<Obj>().message, /violates PodSecurity "baseline:v1.30": host namespaces \(hostNetwork=true\)/);
    assert.equal((await a.call('POST', '/api/v1/namespaces/base/pods', pod('q'))).status, 201);
  });

  it('a namespace without labels is privileged', async () => {
    assert.equal((await a.call('POST', '/api/v1/namespaces/default/pods', pod('p', { hostPID: true }))).status, 201);
  });

  it('warn adds a Warning header and admits', async () => {
    await createNamespace(a, 'warned', { 'pod-security.kubernetes.io/warn': 'baseline' });
    const r = await a.call('POST', '/api/v1/namespaces/warned/pods', pod('p', { hostIPC: true }));
    assert.equal(r.status, 201);
    assert.match(String(r.headers.warning), /would violate PodSecurity \\"baseline:latest\\": host namespaces \(hostIPC=true\)/);
  });

  it('audit leaves the violation for the audit event in ctx.state', async () => {
    await createNamespace(a, 'audited', { 'pod-security.kubernetes.io/audit': 'restricted' });
    assert.equal((await a.call('POST', '/api/v1/namespaces/audited/pods', pod('p'))).status, 201);
    const annotations = audited.find((x) => x?.[AUDIT_VIOLATIONS_ANNOTATION]);
    assert.match(annotations![AUDIT_VIOLATIONS_ANNOTATION], /^would violate PodSecurity "restricted:latest": /);
  });

  it('only warns for pod templates of workloads', async () => {
    await createNamespace(a, 'strict', { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' });
    const deploy = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    };
    const r = await a.call('POST', '/apis/apps/v1/namespaces/strict/deployments', deploy);
    assert.equal(r.status, 201);
    assert.match(String(r.headers.warning), /Deployment \\"d\\": would violate PodSecurity \\"restricted:latest\\"/);
  });

  it('does not re-evaluate pod updates that leave the spec alone', async () => {
    await a.create('/api/v1/namespaces/default/pods', pod('p'));
    await a.call('PATCH', '/api/v1/namespaces/default', { metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } }, { 'content-type': 'application/merge-patch+json' });
    const r = await a.call('PATCH', '/api/v1/namespaces/default/pods/p', { metadata: { labels: { x: 'y' } } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(r.status, 200);
  });

  it('exempts namespaces from its options', async () => {
    await server.stop(0);
    server = await startAdmission([PodSecurity], { PodSecurity: { exemptions: { namespaces: ['free'] }, defaults: { enforce: 'restricted' } } });
    a = api(server);
    await createNamespace(a, 'free');
    await createNamespace(a, 'other');
    assert.equal((await a.call('POST', '/api/v1/namespaces/free/pods', pod('p'))).status, 201);
    assert.equal((await a.call('POST', '/api/v1/namespaces/other/pods', pod('p'))).status, 403);
  });
});
