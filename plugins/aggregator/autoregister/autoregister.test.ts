/** AutoRegister: Local APIServices follow the resource registry (built-ins at start, groups registered later). */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { inProcessClient, type Client } from '../../../core/client';
import { getResourceRegistry } from '../../../core/registry/registry';
import { GADGETS, TEST_GROUP } from '../../../core/registry/test-resources';
import type { KObject } from '../../../core/registry/types';
import { eventually, startCluster } from '../../controllers/shared/test-cluster';
import { AUTOMANAGED_LABEL } from '.';

const APISERVICES = { group: 'apiregistration.k8s.io', version: 'v1', resource: 'apiservices' };

describe('AutoRegister', function () {
  this.timeout(30_000);
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let client: Client;
  const get = (name: string) => client.get(APISERVICES, { name }).catch(() => undefined);

  before(async () => {
    cluster = await startCluster();
    client = inProcessClient(cluster.server);
  });
  after(async () => cluster?.close());

  it('creates v1. for the core group at start, labelled automanaged onstart', async () => {
    const core = await eventually('v1.', () => get('v1.'));
    assert.equal(core.metadata.labels?.[AUTOMANAGED_LABEL], 'onstart');
    assert.deepEqual([(core.spec as { group: string }).group, (core.spec as { version: string }).version], ['', 'v1']);
  });

  it('creates one Local APIService per served group-version (autoscaling v1 and v2)', async () => {
    await eventually('v2.autoscaling', () => get('v2.autoscaling'));
    const v1 = await get('v1.autoscaling');
    assert.equal((v1?.spec as { service?: unknown }).service, undefined);
  });

  it('creates a Local APIService, labelled automanaged true, for a group registered later', async () => {
    getResourceRegistry(cluster.server).register(GADGETS);
    const obj: KObject = await eventually('the new group', () => get(`v1.${TEST_GROUP}`));
    assert.equal(obj.metadata.labels?.[AUTOMANAGED_LABEL], 'true');
  });

  it('creates a Local APIService for the group of a new CustomResourceDefinition', async () => {
    const manifest = parse(fs.readFileSync(path.join(__dirname, '../../../../examples/crds/crontab.yaml'), 'utf8')) as KObject;
    await client.create({ group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' }, manifest);
    const obj = await eventually('v1.stable.example.com', () => get('v1.stable.example.com'), 20_000);
    assert.equal(obj.metadata.labels?.[AUTOMANAGED_LABEL], 'true');
  });

  it('deletes the automanaged APIService when its group-version is no longer served', async () => {
    getResourceRegistry(cluster.server).unregister(TEST_GROUP, 'gadgets');
    await eventually('the APIService gone', async () => !(await get(`v1.${TEST_GROUP}`)));
  });
});
