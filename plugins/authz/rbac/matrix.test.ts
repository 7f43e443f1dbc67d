/**
 * The authorization matrix: every verb on a sample of resources, as six kinds of caller, over the
 * namespaced path, another namespace and the cluster-wide path, asserting exactly who is allowed.
 * Writes use dryRun=All so the fixtures stay as they are; an allowed request is anything but 403.
 */
import assert from 'node:assert/strict';
import type { UserInfo } from '../../../core/auth/types';
import type { Server } from '../../../core/server/server';
import { admin, call, clusterRoleBinding, grant, RBAC, roleBinding, saSubject, serviceAccount, startAuthzServer, user, userSubject, type Obj } from '../testing';

const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'] as const;
type MatrixVerb = (typeof VERBS)[number];
const READ = new Set<MatrixVerb>(['get', 'list', 'watch']);

interface Who {
  label: string;
  user: UserInfo | 'anonymous';
}
const WHO: Record<string, Who> = {
  anonymous: { label: 'anonymous', user: 'anonymous' },
  nobody: { label: 'a user without bindings', user: user('nobody') },
  editor: { label: 'a namespace editor (edit in ns1)', user: user('ed') },
  viewer: { label: 'a viewer (view in ns1)', user: user('vi') },
  sa: { label: 'a service account (Role in ns1)', user: serviceAccount('ns1', 'builder') },
  admin: { label: 'cluster-admin', user: user('root') },
};

interface Sample {
  resource: string;
  group: string;
  base: (ns?: string) => string;
  namespaced: boolean;
  obj: (name: string, ns?: string) => Obj;
}

const core = (plural: string) => (ns?: string) => (ns ? `/api/v1/namespaces/${ns}/${plural}` : `/api/v1/${plural}`);
const SAMPLES: Sample[] = [
  { resource: 'pods', group: '', namespaced: true, base: core('pods'), obj: (name, ns) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns }, spec: { containers: [{ name: 'c', image: 'busybox' }] } }) },
  { resource: 'configmaps', group: '', namespaced: true, base: core('configmaps'), obj: (name, ns) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { a: 'b' } }) },
  { resource: 'secrets', group: '', namespaced: true, base: core('secrets'), obj: (name, ns) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, stringData: { a: 'b' } }) },
  {
    resource: 'deployments',
    group: 'apps',
    namespaced: true,
    base: (ns) => (ns ? `/apis/apps/v1/namespaces/${ns}/deployments` : '/apis/apps/v1/deployments'),
    obj: (name, ns) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: ns },
      spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    }),
  },
  { resource: 'nodes', group: '', namespaced: false, base: core('nodes'), obj: (name) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name } }) },
  { resource: 'namespaces', group: '', namespaced: false, base: core('namespaces'), obj: (name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }) },
  { resource: 'clusterroles', group: 'rbac.authorization.k8s.io', namespaced: false, base: () => `${RBAC}/clusterroles`, obj: (name) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules: [] }) },
];

/** `ns1` (bound), `ns2` (not bound), `cluster` (cluster-wide path; only list/watch for namespaced resources) */
type Scope = 'ns1' | 'ns2' | 'cluster';

/** What RBAC should answer; written from the bootstrap roles, not computed by the code under test. */
function expected(who: string, s: Sample, scope: Scope, verb: MatrixVerb): boolean {
  if (who === 'admin') return true;
  if (who === 'anonymous' || who === 'nobody') return false;
  // the namespace object ns1 is addressed inside ns1 (/api/v1/namespaces/ns1), as in Kubernetes
  const objectVerb = verb === 'get' || verb === 'update' || verb === 'patch' || verb === 'delete';
  if (s.resource === 'namespaces') return scope === 'ns1' && objectVerb && verb === 'get' && (who === 'editor' || who === 'viewer');
  if (!s.namespaced || scope !== 'ns1') return false;
  if (who === 'viewer') return READ.has(verb) && s.resource !== 'secrets';
  if (who === 'editor') return true;
  if (who === 'sa') return s.resource === 'pods' || s.resource === 'configmaps';
  return false;
}

/** method, url, body of `verb` on sample `s` in `scope` */
function request(s: Sample, scope: Scope, verb: MatrixVerb, existing: Obj | undefined): { method: string; url: string; body?: unknown; headers?: Record<string, string> } {
  const dry = '?dryRun=All';
  if (s.resource === 'namespaces') {
    // object verbs on /api/v1/namespaces/ns1 (in ns1 for RBAC), collection verbs cluster-wide
    const obj = '/api/v1/namespaces/ns1';
    switch (verb) {
      case 'get':
        return { method: 'GET', url: obj };
      case 'update':
        return { method: 'PUT', url: obj + dry, body: existing };
      case 'patch':
        return { method: 'PATCH', url: obj + dry, body: { metadata: { labels: { x: 'y' } } }, headers: { 'content-type': 'application/merge-patch+json' } };
      case 'delete':
        return { method: 'DELETE', url: obj + dry };
      default:
        break;
    }
  }
  const ns = s.namespaced && scope !== 'cluster' ? scope : undefined;
  const base = s.base(ns);
  const name = s.resource === 'namespaces' ? 'ns1' : 'sample';
  switch (verb) {
    case 'get':
      return { method: 'GET', url: `${base}/${name}` };
    case 'list':
      return { method: 'GET', url: base };
    case 'watch':
      return { method: 'GET', url: `${base}?watch=true&timeoutSeconds=1` };
    case 'create':
      return { method: 'POST', url: base + dry, body: s.obj('created', ns) };
    case 'update':
      return { method: 'PUT', url: `${base}/${name}${dry}`, body: existing };
    case 'patch':
      return { method: 'PATCH', url: `${base}/${name}${dry}`, body: { metadata: { labels: { x: 'y' } } }, headers: { 'content-type': 'application/merge-patch+json' } };
    case 'delete':
      return { method: 'DELETE', url: `${base}/${name}${dry}` };
    case 'deletecollection':
      return { method: 'DELETE', url: base + dry };
  }
}

function scopesOf(s: Sample): Scope[] {
  if (s.resource === 'namespaces') return ['ns1'];
  return s.namespaced ? ['ns1', 'ns2', 'cluster'] : ['cluster'];
}

function verbsOf(s: Sample, scope: Scope): readonly MatrixVerb[] {
  if (s.namespaced && scope === 'cluster') return ['list', 'watch'];
  return VERBS;
}

describe('authz/RBAC: the authorization matrix', () => {
  let server: Server;
  const existing = new Map<string, Obj>();

  before(async () => {
    server = await startAuthzServer();
    for (const ns of ['ns1', 'ns2']) await admin(server, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    for (const s of SAMPLES) {
      if (s.resource === 'namespaces') continue;
      for (const ns of s.namespaced ? ['ns1', 'ns2'] : [undefined]) await admin(server, 'POST', s.base(ns), s.obj('sample', ns));
    }
    for (const s of SAMPLES) {
      for (const ns of s.namespaced ? ['ns1', 'ns2'] : [undefined]) {
        const name = s.resource === 'namespaces' ? 'ns1' : 'sample';
        existing.set(`${s.resource}/${ns ?? ''}`, await admin(server, 'GET', `${s.base(ns)}/${name}`));
      }
    }
    await admin(server, 'POST', `${RBAC}/namespaces/ns1/roles`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'builder', namespace: 'ns1' },
      rules: [{ apiGroups: [''], resources: ['pods', 'configmaps'], verbs: ['*'] }],
    });
    await grant(server, `${RBAC}/namespaces/ns1/rolebindings`, roleBinding('ns1', 'ed-edit', { kind: 'ClusterRole', name: 'edit' }, [userSubject('ed')]));
    await grant(server, `${RBAC}/namespaces/ns1/rolebindings`, roleBinding('ns1', 'vi-view', { kind: 'ClusterRole', name: 'view' }, [userSubject('vi')]));
    await grant(server, `${RBAC}/namespaces/ns1/rolebindings`, roleBinding('ns1', 'builder', { kind: 'Role', name: 'builder' }, [saSubject('ns1', 'builder')]));
    await grant(server, `${RBAC}/clusterrolebindings`, clusterRoleBinding('root-admin', 'cluster-admin', [userSubject('root')]));
  });

  after(() => server.stop());

  for (const [who, { label, user: u }] of Object.entries(WHO)) {
    describe(label, () => {
      for (const s of SAMPLES) {
        for (const scope of scopesOf(s)) {
          for (const verb of verbsOf(s, scope)) {
            const allow = expected(who, s, scope, verb);
            const where = s.resource === 'namespaces' ? (['get', 'update', 'patch', 'delete'].includes(verb) ? 'namespace ns1' : 'cluster') : scope;
            it(`${allow ? 'may' : 'may not'} ${verb} ${s.resource} (${where})`, async () => {
              const ns = s.namespaced && scope !== 'cluster' ? scope : '';
              const req = request(s, scope, verb, existing.get(`${s.resource}/${ns}`));
              const r = await call(server, u, req.method, req.url, req.body, req.headers, AbortSignal.timeout(200));
              if (allow) {
                assert.notEqual(r.status, 403, `${req.method} ${req.url}: ${r.text()}`);
                // past authorization: served, or 405 where the resource has no such verb (namespaces have no deletecollection)
                const unserved = s.resource === 'namespaces' && verb === 'deletecollection';
                assert.equal(r.status < 300 ? 'served' : r.status, unserved ? 405 : 'served', `${req.method} ${req.url}: ${r.text()}`);
                return;
              }
              assert.equal(r.status, 403, `${req.method} ${req.url}: ${r.status}`);
              const status = r.json<Obj>();
              assert.equal(status.reason, 'Forbidden');
              assert.equal(status.code, 403);
              assert.equal(status.details.kind, s.resource);
              assert.equal(status.details.group, s.group);
            });
          }
        }
      }
    });
  }
});
