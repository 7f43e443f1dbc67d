import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { FilterStage } from '../../../hooks/stages';
import { failure } from '../../../core/api/status';
import { gatedServer, user } from '../../filters/testing';
import { useTmpDirs } from '../../../test/helpers/tmp';
import Audit, { AUDIT_ANNOTATIONS_KEY, flushAudit, type AuditEvent } from '.';

const METADATA_ALL = { apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'Metadata' }] };
const PODS = '/api/v1/namespaces/default/pods';
const MICRO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

describe('Audit plugin', () => {
  const tmp = useTmpDirs();

  async function audited(options: Record<string, unknown>) {
    const logPath = path.join(tmp.make(), 'audit.log');
    const g = gatedServer([[Audit, { logPath, ...options }]]);
    await g.server.initialize();
    const events = async (): Promise<AuditEvent[]> => {
      await flushAudit(g.server);
      const text = fs.existsSync(logPath) ? fs.readFileSync(logPath, 'utf8') : '';
      return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditEvent);
    };
    return { ...g, logPath, events };
  }

  it('writes nothing without a policy, but still answers Audit-ID', async () => {
    const a = await audited({});
    const res = await a.server.inject({ url: `${PODS}?fast`, user: user('alice') });
    assert.match(String(res.headers['audit-id']), /^[0-9a-f-]{36}$/);
    assert.deepEqual(await a.events(), []);
  });

  it('records a request once per stage: RequestReceived then ResponseComplete, with the Audit-ID', async () => {
    const a = await audited({ policy: METADATA_ALL });
    const res = await a.server.inject({ url: '/fast', user: user('alice') });
    const ev = await a.events();
    assert.deepEqual(ev.map((e) => e.stage), ['RequestReceived', 'ResponseComplete']);
    assert.ok(ev.every((e) => e.auditID === res.headers['audit-id']));
  });

  it('fills the Event fields (kind, verb, user, objectRef, responseStatus, microsecond timestamps)', async () => {
    const a = await audited({ policy: METADATA_ALL });
    await a.server.inject({ url: `${PODS}/web?fast=1`, user: user('alice'), headers: { 'user-agent': 'kubectl/v1.30' }, remoteAddress: '10.0.0.7' });
    const [, done] = await a.events();
    assert.equal(done.kind, 'Event');
    assert.equal(done.apiVersion, 'audit.k8s.io/v1');
    assert.equal(done.level, 'Metadata');
    assert.equal(done.verb, 'get');
    assert.equal(done.requestURI, '/api/v1/namespaces/default/pods/web?fast=1');
    assert.deepEqual(done.user, { username: 'alice', groups: ['system:authenticated'] });
    assert.deepEqual(done.objectRef, { resource: 'pods', namespace: 'default', name: 'web', apiVersion: 'v1' });
    assert.deepEqual(done.sourceIPs, ['10.0.0.7']);
    assert.equal(done.userAgent, 'kubectl/v1.30');
    assert.deepEqual(done.responseStatus, { metadata: {}, code: 200 });
    assert.match(done.requestReceivedTimestamp, MICRO);
    assert.match(done.stageTimestamp, MICRO);
    assert.ok(done.stageTimestamp >= done.requestReceivedTimestamp);
  });

  it('leaves out the stages the policy omits', async () => {
    const a = await audited({ policy: { rules: [{ level: 'Metadata' }], omitStages: ['RequestReceived'] } });
    await a.server.inject({ url: '/fast', user: user('alice') });
    assert.deepEqual((await a.events()).map((e) => e.stage), ['ResponseComplete']);
  });

  it('leaves bodies out at level Metadata', async () => {
    const a = await audited({ policy: METADATA_ALL });
    await a.server.inject({ method: 'POST', url: '/fast', body: { kind: 'Thing', a: 1 }, user: user('alice') });
    const done = (await a.events()).at(-1)!;
    assert.equal(done.requestObject, undefined);
    assert.equal(done.responseObject, undefined);
  });

  it('includes the request body (not the response) at level Request', async () => {
    const a = await audited({ policy: { rules: [{ level: 'Request' }] } });
    await a.server.inject({ method: 'POST', url: '/fast', body: { kind: 'Thing', a: 1 }, user: user('alice') });
    const [received, done] = await a.events();
    assert.equal(received.requestObject, undefined);
    assert.deepEqual(done.requestObject, { kind: 'Thing', a: 1 });
    assert.equal(done.responseObject, undefined);
  });

  it('includes request and response bodies at level RequestResponse', async () => {
    const a = await audited({ policy: { rules: [{ level: 'RequestResponse' }] } });
    await a.server.inject({ method: 'POST', url: '/fast', body: { kind: 'Thing', a: 1 }, user: user('alice') });
    const done = (await a.events()).at(-1)!;
    assert.deepEqual(done.requestObject, { kind: 'Thing', a: 1 });
    assert.deepEqual(done.responseObject, { kind: 'Ok', path: '/fast', aborted: false });
  });

  it('uses the first matching rule', async () => {
    const a = await audited({ policy: { rules: [{ level: 'None', users: ['alice'] }, { level: 'RequestResponse', userGroups: ['admins'] }, { level: 'Metadata' }] } });
    await a.server.inject({ url: '/fast?who=alice', user: user('alice', ['admins']) });
    await a.server.inject({ url: '/fast?who=bob', user: user('bob', ['admins']) });
    await a.server.inject({ url: '/fast?who=carol', user: user('carol') });
    const done = (await a.events()).filter((e) => e.stage === 'ResponseComplete');
    assert.deepEqual(
      done.map((e) => [e.requestURI, e.level]),
      [
        ['/fast?who=bob', 'RequestResponse'],
        ['/fast?who=carol', 'Metadata'],
      ],
    );
  });

  it('gives a handler that throws the stage Panic instead of ResponseComplete', async () => {
    const a = await audited({ policy: METADATA_ALL });
    const res = await a.server.inject({ url: '/throw', user: user('alice') });
    assert.equal(res.status, 500);
    const ev = await a.events();
    assert.deepEqual(ev.map((e) => e.stage), ['RequestReceived', 'Panic']);
    assert.equal(ev[1].responseStatus?.code, 500);
    assert.equal(ev[1].responseStatus?.reason, 'InternalError');
  });

  it('gives the stage Panic to a throwing Handler that a sync resolveHandler tap returned', async () => {
    const a = await audited({ policy: METADATA_ALL });
    a.server.hooks.resolveHandler.tap({ name: 'SyncCrash', stage: -1 }, (ctx) =>
      ctx.path === '/sync-crash'
        ? async () => {
            throw new TypeError('boom');
          }
        : undefined,
    );
    const res = await a.server.inject({ url: '/sync-crash', user: user('alice') });
    assert.equal(res.status, 500);
    assert.deepEqual((await a.events()).map((e) => e.stage), ['RequestReceived', 'Panic']);
  });

  it('gives the stage Panic to a request whose sync filter tap throws', async () => {
    const a = await audited({ policy: METADATA_ALL });
    a.server.hooks.filter.tap({ name: 'SyncBug', stage: FilterStage.AUTHORIZATION }, () => {
      throw new TypeError('boom');
    });
    const res = await a.server.inject({ url: '/fast', user: user('alice') });
    assert.equal(res.status, 500);
    assert.deepEqual((await a.events()).map((e) => e.stage), ['RequestReceived', 'Panic']);
  });

  it('records a handler\'s Status errors as ResponseComplete with the Status fields', async () => {
    const a = await audited({ policy: METADATA_ALL });
    a.server.hooks.filter.tapPromise({ name: 'Deny', stage: FilterStage.AUTHORIZATION }, async () => {
      const s = failure('Forbidden', 'no');
      return { status: s.code, body: s };
    });
    await a.server.inject({ url: '/fast', user: user('alice') });
    const done = (await a.events()).at(-1)!;
    assert.equal(done.stage, 'ResponseComplete');
    assert.deepEqual(done.responseStatus, { metadata: {}, code: 403, status: 'Failure', message: 'no', reason: 'Forbidden' });
  });

  it('records a request refused before the policy ran (401 at authentication) once per stage', async () => {
    const a = await audited({ policy: METADATA_ALL });
    a.server.hooks.filter.tapPromise({ name: 'Authn', stage: FilterStage.AUTHENTICATION }, async () => {
      const s = failure('Unauthorized', 'Unauthorized');
      return { status: s.code, body: s };
    });
    await a.server.inject({ url: '/fast', user: 'anonymous' });
    const ev = await a.events();
    assert.deepEqual(ev.map((e) => [e.stage, e.responseStatus?.code]), [['RequestReceived', undefined], ['ResponseComplete', 401]]);
    assert.deepEqual(ev[0].user, {});
  });

  it('writes ResponseStarted, then ResponseComplete when a watch stream ends', async () => {
    const a = await audited({ policy: METADATA_ALL });
    a.server.hooks.resolveHandler.tapPromise({ name: 'Watch', stage: -1 }, async (ctx) =>
      ctx.longRunning
        ? async () => ({
            status: 200,
            stream: async (sink) => {
              sink.write('{"type":"ADDED"}\n');
              const mid = (await a.events()).map((e) => e.stage);
              sink.write(JSON.stringify(mid));
            },
          })
        : undefined,
    );
    const res = await a.server.inject({ url: `${PODS}?watch=true`, user: user('alice') });
    assert.match(res.text(), /\["RequestReceived","ResponseStarted"\]$/);
    const ev = await a.events();
    assert.deepEqual(ev.map((e) => e.stage), ['RequestReceived', 'ResponseStarted', 'ResponseComplete']);
    assert.equal(ev[2].verb, 'watch');
  });

  it('records the authenticated user as user and the impersonated one as impersonatedUser', async () => {
    const a = await audited({ policy: METADATA_ALL });
    a.server.hooks.filter.tapPromise({ name: 'Impersonation', stage: FilterStage.IMPERSONATION }, async (ctx) => {
      ctx.user = user('bob', ['devs']);
      return undefined;
    });
    await a.server.inject({ url: '/fast', user: user('alice') });
    const done = (await a.events()).at(-1)!;
    assert.equal(done.user.username, 'alice');
    assert.deepEqual(done.impersonatedUser, { username: 'bob', groups: ['devs'] });
  });

  it('copies annotations other plugins put in ctx.state', async () => {
    const a = await audited({ policy: METADATA_ALL });
    a.server.hooks.filter.tapPromise({ name: 'PodSecurity', stage: FilterStage.DEFAULT }, async (ctx) => {
      ctx.state.set(AUDIT_ANNOTATIONS_KEY, { 'pod-security.kubernetes.io/audit-violations': 'privileged' });
      return undefined;
    });
    await a.server.inject({ url: '/fast', user: user('alice') });
    const done = (await a.events()).at(-1)!;
    assert.deepEqual(done.annotations, { 'pod-security.kubernetes.io/audit-violations': 'privileged' });
  });

  it('reads the policy from policyFile (YAML)', async () => {
    const dir = tmp.make();
    const policyFile = path.join(dir, 'policy.yaml');
    fs.writeFileSync(policyFile, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n- level: None\n  nonResourceURLs: [/healthz*]\n- level: Metadata\n');
    const a = await audited({ policyFile });
    await a.server.inject({ url: '/healthz?fast', user: user('alice') });
    await a.server.inject({ url: '/fast', user: user('alice') });
    assert.deepEqual((await a.events()).map((e) => [e.stage, e.requestURI]), [['ResponseComplete', '/fast']]);
  });

  it('fails initialize for a malformed policy file, naming the field', async () => {
    const dir = tmp.make();
    const policyFile = path.join(dir, 'policy.yaml');
    fs.writeFileSync(policyFile, 'rules:\n- level: Everything\n');
    const g = gatedServer([[Audit, { policyFile }]]);
    await assert.rejects(g.server.initialize(), /rules\[0\]\.level/);
  });

  it('flushes buffered events on shutdown', async () => {
    const a = await audited({ policy: METADATA_ALL });
    await a.server.started();
    await a.server.inject({ url: '/fast', user: user('alice') });
    await a.server.stop(0);
    const lines = fs.readFileSync(a.logPath, 'utf8').split('\n').filter(Boolean);
    assert.equal(lines.length, 2);
  });
});
