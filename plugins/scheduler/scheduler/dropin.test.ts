/** The drop-in example score plugin (examples/plugins/prefer-label-score) loaded through pluginDirs. */
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Client } from '../../../core/client';
import { ROOT } from '../../../test/helpers/k8ts-process';
import { getProfiles } from '.';
import { createNode, eventually, node, nodeOf, PODS, pod, startSchedulerCluster } from '../shared/testing';
import { getScheduler } from '.';

describe('scheduler: drop-in score plugin (examples/plugins/prefer-label-score)', function () {
  this.timeout(40_000);
  let dir: string;
  let env: Awaited<ReturnType<typeof startSchedulerCluster>>;
  let client: Client;
  before(async () => {
    // the other examples there are off by default or outside the scheduler area
    dir = path.join(ROOT, 'examples/plugins');
    env = await startSchedulerCluster({
      pluginDirs: [dir],
      plugins: { scheduler: { enabled: [{ name: 'Scheduler', options: { leaderElection: { enabled: false } } }, { name: 'PreferNodeLabel', options: { label: 'tier', value: 'fast' } }] } },
      scheduler: { profiles: [{ schedulerName: 'default-scheduler', plugins: { score: { enabled: [{ name: 'PreferNodeLabel', weight: 10 }] } } }] },
    });
    client = env.client;
  });
  after(async () => {
    client?.close();
    await env?.cluster.close();
  });

  it('joins the profile at score with the weight the profile gives it', () => {
    const score = getProfiles(env.cluster.server)![0].points.score;
    assert.deepEqual(score.find((s) => s.name === 'PreferNodeLabel'), { name: 'PreferNodeLabel', weight: 10 });
  });

  it('puts pods on the labelled node', async () => {
    await createNode(client, node('slow-1'));
    await createNode(client, node('fast-1', { labels: { tier: 'fast' } }));
    await createNode(client, node('slow-2'));
    await eventually('nodes cached', () => getScheduler(env.cluster.server)?.cache.nodeCount === 3);
    for (let i = 0; i < 4; i++) await client.create(PODS, pod(`p${i}`));
    for (let i = 0; i < 4; i++) assert.equal(await nodeOf(client, `p${i}`), 'fast-1');
  });
});
