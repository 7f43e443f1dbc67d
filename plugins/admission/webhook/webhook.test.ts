import assert from 'node:assert/strict';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createCa, issueCertificate } from '../../../core/http/pki';
import type { Server } from '../../../core/server/server';
import { api, createNamespace, startAdmission, type Api, type Obj } from '../shared/testing';
import { MutatingWebhookConfiguration, ValidatingWebhookConfiguration } from '../webhook-configurations';
import { MutatingAdmissionWebhook, ValidatingAdmissionWebhook } from '.';

type Reply = (req: Obj) => Obj | Promise<Obj>;
const CM = '/api/v1/namespaces/default/configmaps';
const patch = (ops: Obj[]) => ({ patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cm(name: string, labels: Record<string, string> = {}): Obj {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: { a: '1' } };
}

describe('admission/webhooks (HTTPS on loopback)', function () {
  this.timeout(30000);
  let hooks: https.Server;
  let base: string;
  let caBundle: string;
  const routes = new Map<string, Reply>();
  const seen: Obj[] = [];
  let server: Server;
  let a: Api;

  before(async () => {
    const ca = await createCa('webhook-test-ca');
    const cert = await issueCertificate(ca, { commonName: '127.0.0.1', serverAuth: true, ips: ['127.0.0.1'] });
    caBundle = Buffer.from(ca.cert).toString('base64');
    hooks = https.createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Obj;
        seen.push({ path: req.url, request: review.request });
        const reply = routes.get(req.url ?? '') ?? (() => ({ allowed: true }));
        const response = { uid: review.request.uid, ...(await reply(review.request)) };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }));
      });
    });
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
    base = `https://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
  });
  after(async () => {
    hooks.closeAllConnections();
    await new Promise((r) => hooks.close(r));
  });
  beforeEach(async () => {
    routes.clear();
    seen.length = 0;
    server = await startAdmission([MutatingWebhookConfiguration, ValidatingWebhookConfiguration, MutatingAdmissionWebhook, ValidatingAdmissionWebhook]);
    a = api(server);
  });
  afterEach(() => server.stop(0));

  function webhook(name: string, path: string, extra: Obj = {}): Obj {
    return {
      name,
      clientConfig: { url: `${base}${path}`, caBundle },
      rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
      ...extra,
    };
  }

  async function configure(kind: 'Mutating' | 'Validating', name: string, webhooks: Obj[]): Promise<void> {
    const plural = `${kind.toLowerCase()}webhookconfigurations`;
    await a.create(`/apis/admissionregistration.k8s.io/v1/${plural}`, { apiVersion: 'admissionregistration.k8s.io/v1', kind: `${kind}WebhookConfiguration`, metadata: { name }, webhooks });
    await sleep(50); // the index follows a storage watch
  }

  it('validates configurations (422 for a plain http url and a bad timeout)', async () => {
    const r = await a.call('POST', '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'bad' },
      webhooks: [{ ...webhook('bad.example.com', '/x'), clientConfig: { url: 'http://127.0.0.1/x' }, timeoutSeconds: 31 }],
    });
    assert.equal(r.status, 422);
    assert.deepEqual(r.json<Obj>().details.causes.map((c: Obj) => c.field).sort(), ['webhooks[0].clientConfig.url', 'webhooks[0].timeoutSeconds']);
  });

  it('defaults failurePolicy, timeoutSeconds and reinvocationPolicy', async () => {
    await configure('Mutating', 'd', [webhook('d.example.com', '/allow')]);
    const got = (await a.call('GET', '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/d')).json<Obj>();
    assert.equal(got.webhooks[0].failurePolicy, 'Fail');
    assert.equal(got.webhooks[0].timeoutSeconds, 10);
    assert.equal(got.webhooks[0].reinvocationPolicy, 'Never');
  });

  it('sends an AdmissionReview v1 request', async () => {
    await configure('Validating', 'v', [webhook('v.example.com', '/allow')]);
    await a.create(CM, cm('c1'));
    const req = seen[0].request;
    assert.equal(req.operation, 'CREATE');
    assert.deepEqual(req.kind, { group: '', version: 'v1', kind: 'ConfigMap' });
    assert.deepEqual(req.resource, { group: '', version: 'v1', resource: 'configmaps' });
    assert.equal(req.namespace, 'default');
    assert.equal(req.name, 'c1');
    assert.equal(req.object.metadata.name, 'c1');
    assert.equal(req.oldObject, null);
    assert.equal(req.userInfo.username, 'system:apiserver');
    assert.equal(req.options.kind, 'CreateOptions');
    assert.equal(req.dryRun, false);
  });

  it('mutates through a base64 JSONPatch', async () => {
    routes.set('/label', () => ({ allowed: true, ...patch([{ op: 'add', path: '/metadata/labels/mutated', value: 'yes' }]) }));
    await configure('Mutating', 'm', [webhook('m.example.com', '/label')]);
    const created = await a.create(CM, cm('c1'));
    assert.equal(created.metadata.labels.mutated, 'yes');
  });

  it('denies with allowed=false: the webhook message, 403 Forbidden by default', async () => {
    routes.set('/deny', () => ({ allowed: false, status: { message: 'no configmaps today' } }));
    await configure('Validating', 'v', [webhook('v.example.com', '/deny')]);
    const r = await a.call('POST', CM, cm('c1'));
    const s = r.json<Obj>();
    assert.equal(r.status, 403);
    assert.equal(s.reason, 'Forbidden');
    assert.equal(s.message, 'admission webhook "v.example.com" denied the request: no configmaps today');
  });

  it('takes code and reason of a denial from the response status', async () => {
    routes.set('/deny', () => ({ allowed: false, status: { code: 422, reason: 'Invalid', message: 'bad data' } }));
    await configure('Validating', 'v', [webhook('v.example.com', '/deny')]);
    const r = await a.call('POST', CM, cm('c1'));
    assert.equal(r.status, 422);
    assert.equal(r.json<Obj>().reason, 'Invalid');
  });

  it('a timeout under failurePolicy Fail is 500 InternalError "failed calling webhook"', async () => {
    routes.set('/slow', async () => {
      await sleep(1500);
      return { allowed: true };
    });
    await configure('Validating', 'v', [webhook('v.example.com', '/slow', { timeoutSeconds: 1, failurePolicy: 'Fail' })]);
    const r = await a.call('POST', CM, cm('c1'));
    const s = r.json<Obj>();
    assert.equal(r.status, 500);
    assert.equal(s.reason, 'InternalError');
    assert.match(s.message, /failed calling webhook "v.example.com"/);
  });

  it('a timeout under failurePolicy Ignore admits', async () => {
    routes.set('/slow', async () => {
      await sleep(1500);
      return { allowed: false };
    });
    await configure('Validating', 'v', [webhook('v.example.com', '/slow', { timeoutSeconds: 1, failurePolicy: 'Ignore' })]);
    assert.equal((await a.call('POST', CM, cm('c1'))).status, 201);
  });

  it('an untrusted certificate (no caBundle) fails the call', async () => {
    await configure('Validating', 'v', [{ ...webhook('v.example.com', '/allow'), clientConfig: { url: `${base}/allow` } }]);
    const r = await a.call('POST', CM, cm('c1'));
    assert.equal(r.status, 500);
    assert.equal(seen.length, 0);
  });

  it('skips a webhook whose objectSelector does not match', async () => {
    routes.set('/deny', () => ({ allowed: false }));
    await configure('Validating', 'v', [webhook('v.example.com', '/deny', { objectSelector: { matchLabels: { guarded: 'true' } } })]);
    assert.equal((await a.call('POST', CM, cm('free'))).status, 201);
    assert.equal((await a.call('POST', CM, cm('guarded', { guarded: 'true' }))).status, 403);
  });

  it('skips a webhook whose namespaceSelector does not match', async () => {
    routes.set('/deny', () => ({ allowed: false }));
    await createNamespace(a, 'guarded', { policy: 'strict' });
    await configure('Validating', 'v', [webhook('v.example.com', '/deny', { namespaceSelector: { matchLabels: { policy: 'strict' } } })]);
    assert.equal((await a.call('POST', CM, cm('c1'))).status, 201);
    assert.equal((await a.call('POST', '/api/v1/namespaces/guarded/configmaps', cm('c1'))).status, 403);
  });

  it('skips a webhook whose rules do not match the operation or resource', async () => {
    routes.set('/deny', () => ({ allowed: false }));
    await configure('Validating', 'v', [webhook('v.example.com', '/deny', { rules: [{ operations: ['DELETE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }] })]);
    await a.create(CM, cm('c1'));
    const r = await a.call('DELETE', `${CM}/c1`);
    assert.equal(r.status, 403);
    assert.equal(seen[0].request.operation, 'DELETE');
    assert.equal(seen[0].request.oldObject.metadata.name, 'c1');
  });

  it('matches subresources only through resource/subresource rules', async () => {
    routes.set('/deny', () => ({ allowed: false }));
    await a.create('/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    await configure('Validating', 'v', [webhook('v.example.com', '/deny', { rules: [{ operations: ['UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods/status'] }] })]);
    const merge = { 'content-type': 'application/merge-patch+json' };
    assert.equal((await a.call('PATCH', '/api/v1/namespaces/default/pods/p', { metadata: { labels: { a: 'b' } } }, merge)).status, 200);
    const r = await a.call('PATCH', '/api/v1/namespaces/default/pods/p/status', { status: { message: 'x' } }, merge);
    assert.equal(r.status, 403);
    assert.equal(seen[0].request.subResource, 'status');
  });

  it('skips a webhook whose matchConditions (CEL) are false', async () => {
    routes.set('/deny', () => ({ allowed: false }));
    await configure('Validating', 'v', [webhook('v.example.com', '/deny', { matchConditions: [{ name: 'only-prod', expression: "has(object.metadata.labels) && 'env' in object.metadata.labels && object.metadata.labels.env == 'prod'" }] })]);
    assert.equal((await a.call('POST', CM, cm('dev', { env: 'dev' }))).status, 201);
    assert.equal((await a.call('POST', CM, cm('prod', { env: 'prod' }))).status, 403);
  });

  it('refuses a configuration whose matchCondition does not compile (422)', async () => {
    const r = await a.call('POST', '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'bad' },
      webhooks: [webhook('v.example.com', '/deny', { matchConditions: [{ name: 'broken', expression: 'object.(' }] })],
    });
    assert.equal(r.status, 422);
  });

  it('a matchCondition error under failurePolicy Fail is 500', async () => {
    await configure('Validating', 'v', [webhook('v.example.com', '/allow', { matchConditions: [{ name: 'err', expression: 'object.metadata.missing.deeper == 1' }] })]);
    const r = await a.call('POST', CM, cm('c1'));
    assert.equal(r.status, 500);
    assert.equal(r.json<Obj>().reason, 'InternalError');
  });

  it('reinvokes an IfNeeded mutating webhook once after a later webhook changed the object', async () => {
    let firstCalls = 0;
    routes.set('/first', (req) => {
      firstCalls++;
      return req.object.metadata.labels?.second ? { allowed: true, ...patch([{ op: 'add', path: '/metadata/labels/first-saw-second', value: 'yes' }]) } : { allowed: true };
    });
    routes.set('/second', () => ({ allowed: true, ...patch([{ op: 'add', path: '/metadata/labels/second', value: 'yes' }]) }));
    await configure('Mutating', 'a-first', [webhook('first.example.com', '/first', { reinvocationPolicy: 'IfNeeded' })]);
    await configure('Mutating', 'b-second', [webhook('second.example.com', '/second')]);
    const created = await a.create(CM, cm('c1'));
    assert.equal(firstCalls, 2);
    assert.equal(created.metadata.labels['first-saw-second'], 'yes');
  });

  it('does not reinvoke a webhook with reinvocationPolicy Never', async () => {
    let firstCalls = 0;
    routes.set('/first', () => {
      firstCalls++;
      return { allowed: true };
    });
    routes.set('/second', () => ({ allowed: true, ...patch([{ op: 'add', path: '/metadata/labels/second', value: 'yes' }]) }));
    await configure('Mutating', 'a-first', [webhook('first.example.com', '/first')]);
    await configure('Mutating', 'b-second', [webhook('second.example.com', '/second')]);
    await a.create(CM, cm('c1'));
    assert.equal(firstCalls, 1);
  });

  it('passes webhook warnings on as Warning headers', async () => {
    routes.set('/warn', () => ({ allowed: true, warnings: ['careful'] }));
    await configure('Validating', 'v', [webhook('v.example.com', '/warn')]);
    const r = await a.call('POST', CM, cm('c1'));
    assert.match(String(r.headers.warning), /careful/);
  });

  it('never sends requests on webhook configurations to webhooks', async () => {
    routes.set('/deny', () => ({ allowed: false }));
    await configure('Validating', 'v', [webhook('v.example.com', '/deny', { rules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }] })]);
    assert.equal((await a.call('DELETE', '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/v')).status, 200);
  });
});
