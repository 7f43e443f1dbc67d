/**
 * Acceptance (issue 4): the real kubectl 1.32 against `k8ts up` — version, discovery, OpenAPI
 * (explain) and cluster-info. See /work/shared/docs/kubectl-surface.md §2, §3, §7.
 */
import assert from 'node:assert/strict';
import { json, show, useCluster, type KubectlResult } from '../helpers/kubectl';

/** parse kubectl's column output by the header's column starts (cells may be empty) */
function columns(r: KubectlResult): Record<string, string>[] {
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) return [];
  const header = lines[0];
  const starts: { name: string; at: number }[] = [];
  const re = /\S+(?: \S+)*/g;
  for (let m = re.exec(header); m; m = re.exec(header)) starts.push({ name: m[0], at: m.index });
  return lines.slice(1).map((line) => {
    const row: Record<string, string> = {};
    starts.forEach((s, i) => (row[s.name] = line.slice(s.at, i + 1 < starts.length ? starts[i + 1].at : undefined).trim()));
    return row;
  });
}

const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

describe('e2e: discovery with kubectl (version, api-resources, api-versions, explain, cluster-info)', function () {
  this.timeout(60_000);
  const c = useCluster();

  it('the system namespaces default, kube-system and kube-public exist right after startup', () => {
    assert.ok(c.namespacesAtStart, c.namespacesAtStartError);
    for (const ns of ['default', 'kube-system', 'kube-public']) assert.ok(c.namespacesAtStart.includes(ns), `${ns} missing; namespaces at start: ${JSON.stringify(c.namespacesAtStart)}`);
  });

  it('kubectl version -o json reports server 1.32 (the dispatcher then runs the built-in 1.32)', async () => {
    const r = await c.kubectl(['version', '-o', 'json']);
    assert.equal(r.code, 0, show(r));
    const v = json(r);
    assert.equal(v.serverVersion?.major, '1', show(r));
    assert.equal(v.serverVersion?.minor, '32', show(r));
    assert.match(v.serverVersion?.gitVersion ?? '', /^v1\.32\./, show(r));
    assert.equal(r.stderr.includes('WARNING: version difference'), false, show(r));
  });

  it('kubectl version prints the Server Version line', async () => {
    const r = await c.kubectl(['version']);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^Server Version: v1\.32\.\S+$/m, show(r));
  });

  describe('kubectl api-resources', () => {
    let rows: Record<string, string>[] = [];
    let res: KubectlResult;
    before(async () => {
      res = await c.kubectl(['api-resources']);
      rows = columns(res);
    });

    it('exits 0 without discovery errors on stderr', () => {
      assert.equal(res.code, 0, show(res));
      assert.doesNotMatch(res.stderr, /couldn't get resource list|unable to retrieve the complete list/, show(res));
      assert.deepEqual(Object.keys(rows[0] ?? {}), ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND'], show(res));
    });

    // [name, shortNames, apiVersion, namespaced, kind] as in a real 1.32 cluster
    const expected: [string, string, string, string, string][] = [
      ['pods', 'po', 'v1', 'true', 'Pod'],
      ['services', 'svc', 'v1', 'true', 'Service'],
      ['namespaces', 'ns', 'v1', 'false', 'Namespace'],
      ['nodes', 'no', 'v1', 'false', 'Node'],
      ['configmaps', 'cm', 'v1', 'true', 'ConfigMap'],
      ['secrets', '', 'v1', 'true', 'Secret'],
      ['serviceaccounts', 'sa', 'v1', 'true', 'ServiceAccount'],
      ['events', 'ev', 'v1', 'true', 'Event'],
      ['endpoints', 'ep', 'v1', 'true', 'Endpoints'],
      ['persistentvolumeclaims', 'pvc', 'v1', 'true', 'PersistentVolumeClaim'],
      ['persistentvolumes', 'pv', 'v1', 'false', 'PersistentVolume'],
      ['deployments', 'deploy', 'apps/v1', 'true', 'Deployment'],
      ['replicasets', 'rs', 'apps/v1', 'true', 'ReplicaSet'],
      ['statefulsets', 'sts', 'apps/v1', 'true', 'StatefulSet'],
      ['daemonsets', 'ds', 'apps/v1', 'true', 'DaemonSet'],
      ['jobs', '', 'batch/v1', 'true', 'Job'],
      ['cronjobs', 'cj', 'batch/v1', 'true', 'CronJob'],
    ];
    for (const [name, shortNames, apiVersion, namespaced, kind] of expected) {
      it(`lists ${name}${shortNames ? `/${shortNames}` : ''} (${apiVersion}, namespaced=${namespaced}, ${kind})`, () => {
        const row = rows.find((r) => r.NAME === name && r.APIVERSION === apiVersion);
        assert.ok(row, `no row for ${name} ${apiVersion}:\n${res.stdout}`);
        assert.deepEqual(row, { NAME: name, SHORTNAMES: shortNames, APIVERSION: apiVersion, NAMESPACED: namespaced, KIND: kind });
      });
    }

    it('--namespaced=false lists only cluster-scoped resources', async () => {
      const r = await c.kubectl(['api-resources', '--namespaced=false', '-o', 'name']);
      assert.equal(r.code, 0, show(r));
      const names = r.stdout.trim().split('\n');
      assert.ok(names.includes('namespaces'), show(r));
      assert.ok(names.includes('nodes'), show(r));
      assert.ok(!names.includes('pods'), show(r));
    });

    it('--api-group=apps -o name lists the apps resources with their group', async () => {
      const r = await c.kubectl(['api-resources', '--api-group=apps', '-o', 'name']);
      assert.equal(r.code, 0, show(r));
      const names = r.stdout.trim().split('\n');
      for (const n of ['deployments.apps', 'replicasets.apps', 'statefulsets.apps', 'daemonsets.apps']) assert.ok(names.includes(n), `${n}: ${show(r)}`);
      assert.ok(!names.includes('pods'), show(r));
    });

    it('resolves short names: kubectl get po/deploy/ns succeed', async () => {
      for (const short of ['po', 'deploy', 'ns', 'svc', 'cm']) {
        const r = await c.kubectl(['get', short, '-o', 'name']);
        assert.equal(r.code, 0, show(r));
      }
    });
  });

  it('discovery: deployments/scale is autoscaling/v1 Scale and pods/eviction is policy/v1 Eviction (§2, surprise 6)', async () => {
    const apps = await c.kubectl(['get', '--raw', '/apis/apps/v1']);
    assert.equal(apps.code, 0, show(apps));
    const scale = json(apps).resources.find((r: any) => r.name === 'deployments/scale');
    assert.deepEqual({ group: scale?.group, version: scale?.version, kind: scale?.kind }, { group: 'autoscaling', version: 'v1', kind: 'Scale' }, apps.stdout);
    const core = await c.kubectl(['get', '--raw', '/api/v1']);
    assert.equal(core.code, 0, show(core));
    const eviction = json(core).resources.find((r: any) => r.name === 'pods/eviction');
    assert.deepEqual({ group: eviction?.group, version: eviction?.version, kind: eviction?.kind }, { group: 'policy', version: 'v1', kind: 'Eviction' }, core.stdout);
  });

  it('kubectl api-versions lists v1, apps/v1 and batch/v1, sorted', async () => {
    const r = await c.kubectl(['api-versions']);
    assert.equal(r.code, 0, show(r));
    const versions = r.stdout.trim().split('\n');
    for (const v of ['v1', 'apps/v1', 'batch/v1']) assert.ok(versions.includes(v), `${v}: ${show(r)}`);
    assert.deepEqual(versions, [...versions].sort(), show(r));
  });

  it('kubectl api-versions lists autoscaling/v1 (HPA) and policy/v1 (PDB) as a 1.32 cluster does', async () => {
    const r = await c.kubectl(['api-versions']);
    assert.equal(r.code, 0, show(r));
    const versions = r.stdout.trim().split('\n');
    for (const v of ['autoscaling/v1', 'autoscaling/v2', 'policy/v1']) assert.ok(versions.includes(v), `${v}: ${show(r)}`);
  });

  it('kubectl explain deployment.spec.strategy prints the field documentation', async () => {
    const r = await c.kubectl(['explain', 'deployment.spec.strategy']);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^GROUP:\s+apps$/m, show(r));
    assert.match(r.stdout, /^KIND:\s+Deployment$/m, show(r));
    assert.match(r.stdout, /^VERSION:\s+v1$/m, show(r));
    assert.match(r.stdout, /^FIELD: strategy <DeploymentStrategy>$/m, show(r));
    assert.match(r.stdout, /The deployment strategy to use to replace existing pods with new ones/, show(r));
    assert.match(r.stdout, /^\s+rollingUpdate\s+<RollingUpdateDeployment>$/m, show(r));
    assert.match(r.stdout, /^\s+type\s+<string>$/m, show(r));
  });

  it('kubectl explain pods --recursive walks the Pod schema', async () => {
    const r = await c.kubectl(['explain', 'pods', '--recursive']);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^KIND:\s+Pod$/m, show(r));
    assert.match(r.stdout, /^\s+containers\s+<\[\]Container> -required-$/m, show(r));
  });

  it('kubectl cluster-info names the control plane URL', async () => {
    const r = await c.kubectl(['cluster-info']);
    assert.equal(r.code, 0, show(r));
    assert.match(stripAnsi(r.stdout), new RegExp(`^Kubernetes control plane is running at ${c.up.url.replace(/[.]/g, '\\.')}$`, 'm'), show(r));
  });
});
