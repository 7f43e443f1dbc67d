/**
 * hookDirs on a running server (in-process, memory storage): hooks in a directory act at once, a
 * changed file is picked up without a restart (fs.watch, debounced), a file with a hook that does
 * not compile is rejected (listed, not loaded) while the others keep working; hooks of a
 * directory also apply to system:masters when exemptGroups is emptied.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCluster, eventually } from '../../plugins/controllers/shared/test-cluster';
import { hooksOf } from '.';

const hookYaml = (name: string, forbidden: string) => `apiVersion: hooks.k8ts.dev/v1alpha1
kind: Hook
metadata: {name: ${name}}
spec:
  match:
    resourceRules: [{apiGroups: [""], apiVersions: [v1], resources: [configmaps], operations: [CREATE]}]
  validations:
    - expression: "!object.metadata.name.startsWith('${forbidden}')"
      messageExpression: "'the name ' + object.metadata.name + ' is taken'"
`;

describe('hooks/dsl: hookDirs with hot reload (in-process server)', function () {
  this.timeout(60_000);
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let dir: string;
  let n = 0;
  /** create a ConfigMap `<prefix>-<n>` (a fresh name each time, so polls never collide) */
  const create = async (prefix: string) => (await cluster.server.inject({ method: 'POST', url: '/api/v1/namespaces/default/configmaps', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${prefix}-${++n}` } } })).status;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-hookdir-'));
    fs.writeFileSync(path.join(dir, 'names.yaml'), hookYaml('reserved-names', 'alpha'));
    cluster = await startCluster({ config: { plugins: { hooks: { enabled: [{ name: 'Hooks', options: { hookDirs: [dir], exemptGroups: [], reloadDebounceMs: 20 } }] } } } });
  });
  after(async () => {
    await cluster?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a hook from the directory acts at once', async () => {
    assert.equal(await create('alpha'), 403);
    assert.equal(await create('gamma'), 201);
  });

  it('a changed file is reloaded without a restart', async () => {
    fs.writeFileSync(path.join(dir, 'names.yaml'), hookYaml('reserved-names', 'beta'));
    await eventually('beta refused', async () => (await create('beta')) === 403, 20_000, 50);
    assert.equal(await create('alpha'), 201);
  });

  it('a hook that does not compile is rejected and listed; the others keep working', async () => {
    fs.writeFileSync(path.join(dir, 'broken.yaml'), hookYaml('broken', "x' +"));
    const set = hooksOf(cluster.server)!.set;
    const rejected = await eventually('broken rejected', () => set.rejected().find((r) => r.name === 'broken'), 20_000, 50);
    assert.match(rejected.error, /compilation failed/);
    assert.equal(await create('beta'), 403);
  });

  it('a removed file removes its hooks', async () => {
    fs.rmSync(path.join(dir, 'names.yaml'));
    await eventually('beta allowed', async () => (await create('beta')) === 201, 20_000, 50);
  });

  it('the denial is counted on /metrics', async () => {
    const res = await cluster.server.inject({ method: 'GET', url: '/metrics' });
    assert.match(res.text(), /k8ts_hook_denials_total\{hook="reserved-names",point="api.validatingAdmission"\} [1-9]/);
  });
});
