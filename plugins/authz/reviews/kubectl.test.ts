/**
 * e2e: the real kubectl against `k8ts up` (TLS, port 0, the admin client certificate in
 * system:masters, a fresh HOME per run): `auth can-i` (protobuf SelfSubjectAccessReview), `--list`
 * (SelfSubjectRulesReview), impersonation through `--as`, and the Forbidden message kubectl prints.
 */
import assert from 'node:assert/strict';
import { show, useCluster } from '../../../test/helpers/kubectl';

describe('e2e: kubectl auth can-i and RBAC', function () {
  this.timeout(60_000);
  const c = useCluster();

  it('kubectl auth can-i create pods -> yes (rc 0) for the admin', async () => {
    const r = await c.kubectl(['auth', 'can-i', 'create', 'pods']);
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout.trim(), 'yes');
  });

  it('kubectl auth can-i create pods --as bob -> no (rc 1)', async () => {
    const r = await c.kubectl(['auth', 'can-i', 'create', 'pods', '--as', 'bob']);
    assert.equal(r.code, 1, show(r));
    assert.match(r.stdout.trim(), /^no/);
  });

  it('kubectl auth can-i --list shows the admin holds * on *.*', async () => {
    const r = await c.kubectl(['auth', 'can-i', '--list']);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]/m, show(r));
  });

  it('kubectl get pods --as bob prints the Kubernetes Forbidden message', async () => {
    const r = await c.kubectl(['get', 'pods', '--as', 'bob']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Error from server \(Forbidden\): pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "default"/, show(r));
  });

  it('a RoleBinding to view lets bob list pods and nothing more', async () => {
    const bind = await c.kubectl(['create', 'rolebinding', 'bob-view', '--clusterrole=view', '--user=bob', '-n', 'default']);
    assert.equal(bind.code, 0, show(bind));
    const { until } = await import('../../../test/helpers/kubectl');
    await until('bob may list pods', async () => {
      const r = await c.kubectl(['auth', 'can-i', 'list', 'pods', '--as', 'bob']);
      if (r.code !== 0) throw new Error(show(r));
      return r;
    });
    const create = await c.kubectl(['auth', 'can-i', 'create', 'pods', '--as', 'bob']);
    assert.equal(create.code, 1, show(create));
  });
});
