/**
 * examples/plugins/image-registry-allowlist: the drop-in admission plugin of the README's "Extend
 * it" section. Its image normalisation, how it is configured, and the real kubectl against
 * `k8ts up --config k8ts.yaml` loading it through pluginDirs (a user's setup, in a child process).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfigError } from '../../core/config/errors';
import { ROOT } from '../helpers/k8ts-process';
import { useTestServers } from '../helpers/kernel';
import { show, useCluster } from '../helpers/kubectl';
import { useTmpDirs } from '../helpers/tmp';

const EXAMPLE_PLUGINS = path.join(ROOT, 'examples', 'plugins');
const PLUGIN = 'ImageRegistryAllowList';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const example = require(path.join(EXAMPLE_PLUGINS, 'image-registry-allowlist')) as {
  parseImage(image: string): { registry: string; path: string };
  isAllowed(image: string, allowed: string[]): boolean;
};

const ENABLED = (options: Record<string, unknown>) => ({
  pluginDirs: [EXAMPLE_PLUGINS],
  plugins: { admission: { enabled: [{ name: PLUGIN, options }] } },
});

describe('examples/plugins/image-registry-allowlist (a drop-in admission plugin)', () => {
  describe('image references', () => {
    it('an image without a registry is on docker.io (library/ for one-part names)', () => {
      assert.deepEqual(
        ['nginx', 'nginx:1.27', 'acme/app:v1', 'index.docker.io/nginx'].map((i) => example.parseImage(i)),
        [
          { registry: 'docker.io', path: 'library/nginx' },
          { registry: 'docker.io', path: 'library/nginx' },
          { registry: 'docker.io', path: 'acme/app' },
          { registry: 'docker.io', path: 'library/nginx' },
        ],
      );
    });

    it('the first component is a registry when it has a dot or a port or is localhost; tags and digests are dropped', () => {
      assert.deepEqual(
        ['registry.k8s.io/pause:3.10', 'localhost:5000/x:1', 'localhost/x', 'ghcr.io/acme/app@sha256:0123'].map((i) => example.parseImage(i)),
        [
          { registry: 'registry.k8s.io', path: 'pause' },
          { registry: 'localhost:5000', path: 'x' },
          { registry: 'localhost', path: 'x' },
          { registry: 'ghcr.io', path: 'acme/app' },
        ],
      );
    });

    it('an entry with a path allows that prefix at a "/" boundary only', () => {
      assert.deepEqual(
        [example.isAllowed('ghcr.io/acme/app', ['ghcr.io/acme']), example.isAllowed('ghcr.io/acme-evil/app', ['ghcr.io/acme']), example.isAllowed('ghcr.io/other/app', ['ghcr.io'])],
        [true, false, true],
      );
    });
  });

  describe('configuration', () => {
    const tmp = useTmpDirs();
    const servers = useTestServers();

    it('is off when only its directory is loaded', () => {
      const { plugins } = servers.build({ dir: tmp.make(), config: { pluginDirs: [EXAMPLE_PLUGINS] } });
      assert.ok(!plugins.some((r) => r.plugin.name === PLUGIN));
    });

    it('is on when enabled under plugins.admission with its allow-list', () => {
      const { plugins } = servers.build({ dir: tmp.make(), config: ENABLED({ allowedRegistries: ['docker.io'] }) });
      assert.ok(plugins.some((r) => r.plugin.area === 'admission' && r.plugin.name === PLUGIN));
    });

    it('an empty allow-list is a configuration error naming the option', () => {
      assert.throws(
        () => servers.build({ dir: tmp.make(), config: ENABLED({ allowedRegistries: [] }) }),
        (err: unknown) => err instanceof ConfigError && err.path === 'plugins.admission.enabled[0].options.allowedRegistries',
      );
    });
  });

  describe('with the real kubectl (k8ts up --config, allowedRegistries: docker.io, registry.k8s.io)', function () {
    this.timeout(60_000);
    const cluster = useCluster({
      config: `pluginDirs: [${JSON.stringify(EXAMPLE_PLUGINS)}]\nplugins:\n  admission:\n    enabled:\n      - name: ${PLUGIN}\n        options: { allowedRegistries: [docker.io, registry.k8s.io] }\n`,
    });

    it('kubectl run with an image from another registry is refused: Forbidden, the image named', async () => {
      const r = await cluster.kubectl(['run', 'miner', '--image=quay.io/evil/miner:1', '--restart=Never']);
      assert.notEqual(r.code, 0, show(r));
      assert.match(r.stderr, /^Error from server \(Forbidden\): pods "miner" is forbidden: .*"quay\.io\/evil\/miner:1"/m, show(r));
      const g = await cluster.kubectl(['get', 'pod', 'miner']);
      assert.match(g.stderr, /\(NotFound\)/, show(g));
    });

    it('kubectl run with an image without a registry (docker.io) is created', async () => {
      const r = await cluster.kubectl(['run', 'web', '--image=nginx:1.27', '--restart=Never']);
      assert.equal(r.code, 0, show(r));
      assert.match(r.stdout, /^pod\/web created$/m, show(r));
    });

    it('a Deployment whose template uses another registry is refused', async () => {
      const r = await cluster.kubectl(['create', 'deployment', 'app', '--image=ghcr.io/acme/app:2']);
      assert.notEqual(r.code, 0, show(r));
      // kubectl's generators print `error: failed to create deployment: <the Status message>`
      assert.match(r.stderr, /deployments\.apps "app" is forbidden: .*"ghcr\.io\/acme\/app:2"/, show(r));
    });

    it('a CronJob is checked through its job template (apply -f)', async () => {
      const file = cluster.write(
        'cronjob.yaml',
        `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\nspec:\n  schedule: "0 3 * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers:\n          - {name: ok, image: registry.k8s.io/pause:3.10}\n          - {name: bad, image: "quay.io/x/y"}\n`,
      );
      const r = await cluster.kubectl(['apply', '-f', file]);
      assert.notEqual(r.code, 0, show(r));
      assert.match(r.stderr, /\(Forbidden\).*cronjobs\.batch "nightly" is forbidden: .*"quay\.io\/x\/y"/, show(r));
    });

    it('the answer is a Forbidden Status (403) with the offending field as its cause', async () => {
      const res = await cluster.request('POST', '/api/v1/namespaces/default/pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p' },
        spec: { containers: [{ name: 'a', image: 'nginx' }], initContainers: [{ name: 'init', image: 'evil.example/x' }] },
      });
      const st = res.json();
      assert.deepEqual([res.status, st.reason, st.code, st.details?.causes?.[0]?.field], [403, 'Forbidden', 403, 'spec.initContainers[0].image']);
    });

    it('kube-system is exempt by default (no lock-out)', async () => {
      const r = await cluster.kubectl(['-n', 'kube-system', 'run', 'sys', '--image=quay.io/sys/agent:1', '--restart=Never']);
      assert.equal(r.code, 0, show(r));
    });

    it('changing an allowed pod to another registry is refused too (kubectl set image)', async () => {
      const r = await cluster.kubectl(['set', 'image', 'pod/web', 'web=quay.io/evil/nginx:1']);
      assert.notEqual(r.code, 0, show(r));
      assert.match(r.stderr, /pods "web" is forbidden: .*"quay\.io\/evil\/nginx:1"/, show(r));
    });
  });
});
