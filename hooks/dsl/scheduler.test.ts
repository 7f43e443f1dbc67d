/**
 * Acceptance (issue 7, a non-admission hook point): the scheduler-zone example on scheduler.filter,
 * applied with the real kubectl. A critical pod stays Pending while the only node is not labelled
 * reliable (FailedScheduling carries the hook's message), and is bound once kubectl labels the node.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { inProcessClient } from '../../core/client';
import { startCluster, eventually } from '../../plugins/controllers/shared/test-cluster';
import { createNode, node } from '../../plugins/scheduler/shared/testing';
import { kubectlRunner, show, type KubectlResult } from '../../test/helpers/kubectl';

const HOOK = path.resolve(__dirname, '../../../examples/hooks/scheduler-zone/hook.yaml');

describe('e2e: a scheduler.filter hook with the real kubectl (in-process k8ts, scheduler, no kubelet)', function () {
  this.timeout(120_000);
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  const runner = kubectlRunner(() => ({ kubeconfig: cluster.kubeconfigPath, cwd: cluster.dir }));
  const kubectl = (args: string[]): Promise<KubectlResult> => runner.run(args, 45_000);

  before(async function () {
    this.timeout(60_000);
    cluster = await startCluster({
      tls: true,
      scheduler: true,
      config: { plugins: { scheduler: { enabled: [{ name: 'Scheduler', options: { leaderElection: { enabled: false } } }] } } },
    });
    await createNode(inProcessClient(cluster.server), node('node-a'));
    await eventually('Hook CRD served', async () => (await kubectl(['get', 'hooks.hooks.k8ts.dev'])).code === 0, 20_000, 200);
  });
  after(async () => {
    await cluster?.close();
    runner.cleanup();
  });

  it('critical pods wait for a reliable node; labelling the node lets the pod bind', async () => {
    const a = await kubectl(['apply', '-f', HOOK]);
    assert.equal(a.code, 0, show(a));
    await eventually('hook active', async () => (await kubectl(['get', 'hooks.hooks.k8ts.dev', 'critical-on-reliable-nodes', '-o', 'jsonpath={.status.active}'])).stdout === 'true', 20_000, 100);
    const r = await kubectl(['run', 'db', '--image=postgres:16', '--labels=tier=critical']);
    assert.equal(r.code, 0, show(r));
    const plain = await kubectl(['run', 'web', '--image=nginx:1.27']);
    assert.equal(plain.code, 0, show(plain));
    await eventually('web bound to node-a', async () => (await kubectl(['get', 'pod', 'web', '-o', 'jsonpath={.spec.nodeName}'])).stdout === 'node-a', 30_000, 200);
    const events = await eventually('FailedScheduling with the hook message', async () => {
      const e = await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=db,reason=FailedScheduling', '-o', 'jsonpath={.items[*].message}']);
      return /node node-a is not reliable enough for critical pods/.test(e.stdout) && e.stdout;
    }, 30_000, 200);
    assert.ok(events);
    const pending = await kubectl(['get', 'pod', 'db', '-o', 'jsonpath={.spec.nodeName}']);
    assert.equal(pending.stdout, '', show(pending));
    const l = await kubectl(['label', 'node', 'node-a', 'k8ts.dev/reliable=true']);
    assert.equal(l.code, 0, show(l));
    await eventually('db bound to node-a', async () => (await kubectl(['get', 'pod', 'db', '-o', 'jsonpath={.spec.nodeName}'])).stdout === 'node-a', 40_000, 200);
  });
});
