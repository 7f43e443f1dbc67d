import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { gvr, inProcessClient, type Client } from '../../../core/client';
import type { KObject } from '../../../core/registry/types';
import { eventually, startCluster } from '../../controllers/shared/test-cluster';
import { CLEANUP_FINALIZER } from './controller';
import { applyCrd, builtinCrdsDir, readCrdManifests } from './manifests';
import { conditionOf, createAndServe, CRDS, isGone, simpleCrd, waitCondition } from './testing';

const CM = gvr('v1', 'configmaps');
const NS = gvr('v1', 'namespaces');

describe('apiextensions/APIExtensionServer: CRD life cycle', function () {
  this.timeout(40_000);

  describe('names and deletion', () => {
    let cluster: Awaited<ReturnType<typeof startCluster>>;
    let client: Client;
    before(async () => {
      cluster = await startCluster();
      client = inProcessClient(cluster.server);
    });
    after(async () => cluster?.close());

    it('reports a kind used by another CRD of the group as NamesAccepted=False KindConflict and does not serve it', async () => {
      await createAndServe(client, simpleCrd('names.example.com', 'Gadget'), gvr('names.example.com/v1', 'gadgets'));
      await client.create(CRDS, simpleCrd('names.example.com', 'Gadget', { plural: 'gadgetz', singular: 'gadgetz' }));
      const crd = await waitCondition(client, 'gadgetz.names.example.com', 'NamesAccepted', 'False');
      assert.equal(conditionOf(crd, 'NamesAccepted')?.reason, 'KindConflict');
      assert.equal(conditionOf(crd, 'Established')?.status, 'False');
      await assert.rejects(client.list(gvr('names.example.com/v1', 'gadgetz')), (e: { reason?: string }) => e.reason === 'NotFound');
    });

    it('reports a shortName used by another CRD of the group as ShortNamesConflict', async () => {
      await createAndServe(client, simpleCrd('short.example.com', 'Alpha', { shortNames: ['al'] }), gvr('short.example.com/v1', 'alphas'));
      await client.create(CRDS, simpleCrd('short.example.com', 'Beta', { shortNames: ['al'] }));
      const crd = await waitCondition(client, 'betas.short.example.com', 'NamesAccepted', 'False');
      assert.equal(conditionOf(crd, 'NamesAccepted')?.reason, 'ShortNamesConflict');
    });

    it('accepts the names once the conflicting CRD is gone', async () => {
      await createAndServe(client, simpleCrd('later.example.com', 'Thing'), gvr('later.example.com/v1', 'things'));
      await client.create(CRDS, simpleCrd('later.example.com', 'Thing', { plural: 'thingz', singular: 'thingz' }));
      await waitCondition(client, 'thingz.later.example.com', 'NamesAccepted', 'False');
      await client.delete(CRDS, { name: 'things.later.example.com' });
      await eventually('things CRD gone', () => isGone(client, CRDS, { name: 'things.later.example.com' }));
      await waitCondition(client, 'thingz.later.example.com', 'Established', 'True');
    });

    it('reports a CRD whose group and plural a built-in resource serves as NamesAccepted=False PluralConflict', async () => {
      const crd = simpleCrd('networking.k8s.io', 'Ingress', { plural: 'ingresses' });
      crd.metadata.annotations = { 'api-approved.kubernetes.io': 'unapproved, test only' };
      await client.create(CRDS, crd);
      const got = await waitCondition(client, 'ingresses.networking.k8s.io', 'NamesAccepted', 'False');
      assert.equal(conditionOf(got, 'NamesAccepted')?.reason, 'PluralConflict');
      assert.equal((await client.list(gvr('networking.k8s.io/v1', 'ingresses'))).kind, 'IngressList');
    });

    it('deletes a CRD whose names were never accepted without touching the resource that holds them', async () => {
      await createAndServe(client, simpleCrd('never.example.com', 'Keep'), gvr('never.example.com/v1', 'keeps'));
      await client.create(gvr('never.example.com/v1', 'keeps'), { apiVersion: 'never.example.com/v1', kind: 'Keep', metadata: { name: 'k', namespace: 'default' } }, { namespace: 'default' });
      await client.create(CRDS, simpleCrd('never.example.com', 'Keep', { plural: 'keepz', singular: 'keepz' }));
      await waitCondition(client, 'keepz.never.example.com', 'NamesAccepted', 'False');
      await client.delete(CRDS, { name: 'keepz.never.example.com' });
      await eventually('rejected CRD gone', () => isGone(client, CRDS, { name: 'keepz.never.example.com' }));
      assert.equal((await client.get(gvr('never.example.com/v1', 'keeps'), { namespace: 'default', name: 'k' })).metadata.name, 'k');
    });

    it('serves cluster-scoped custom resources', async () => {
      const tops = gvr('cluster.example.com/v1', 'tops');
      await createAndServe(client, simpleCrd('cluster.example.com', 'Top', { scope: 'Cluster' }), tops);
      const created = await client.create<KObject>(tops, { apiVersion: 'cluster.example.com/v1', kind: 'Top', metadata: { name: 't' } });
      assert.equal(created.metadata.namespace, undefined);
      assert.deepEqual((await client.list(tops)).items.map((o) => o.metadata.name), ['t']);
    });

    it('validates with the new schema once a CRD is changed', async () => {
      const sized = gvr('change.example.com/v1', 'sizes');
      const crd = simpleCrd('change.example.com', 'Size');
      await createAndServe(client, crd, sized);
      const live = await client.get<KObject>(CRDS, { name: 'sizes.change.example.com' });
      const spec = { type: 'object', properties: { n: { type: 'integer', maximum: 3 } } };
      const versions = [{ ...crd.spec.versions[0], schema: { openAPIV3Schema: { type: 'object', properties: { spec } } } }];
      await client.update(CRDS, { ...live, spec: { ...(live.spec as object), versions } });
      const body = { apiVersion: 'change.example.com/v1', kind: 'Size', metadata: { name: 's', namespace: 'default' }, spec: { n: 5 } };
      await eventually('new schema in force', async () => {
        try {
          await client.create(sized, body, { namespace: 'default', dryRun: true });
          return false;
        } catch (err) {
          return (err as { reason?: string }).reason === 'Invalid';
        }
      });
    });

    it('deletes the custom resources of a deleted CRD, then the CRD, and stops serving them', async () => {
      const things = gvr('del.example.com/v1', 'boxes');
      await createAndServe(client, simpleCrd('del.example.com', 'Box', { plural: 'boxes' }), things);
      for (const n of ['a', 'b', 'c']) await client.create(things, { apiVersion: 'del.example.com/v1', kind: 'Box', metadata: { name: n, namespace: 'default' } }, { namespace: 'default' });
      await client.delete(CRDS, { name: 'boxes.del.example.com' });
      await eventually('CRD gone', () => isGone(client, CRDS, { name: 'boxes.del.example.com' }));
      await assert.rejects(client.list(things), (e: { reason?: string }) => e.reason === 'NotFound');
      // recreating the CRD finds no leftovers in storage
      await createAndServe(client, simpleCrd('del.example.com', 'Box', { plural: 'boxes' }), things);
      assert.equal((await client.list(things)).items.length, 0);
    });

    it('keeps a deleted CRD Terminating while a custom resource has a finalizer, refusing creates with 405', async () => {
      const held = gvr('hold.example.com/v1', 'crates');
      await createAndServe(client, simpleCrd('hold.example.com', 'Crate'), held);
      await client.create(held, { apiVersion: 'hold.example.com/v1', kind: 'Crate', metadata: { name: 'stuck', namespace: 'default', finalizers: ['example.com/hold'] } }, { namespace: 'default' });
      await client.delete(CRDS, { name: 'crates.hold.example.com' });
      const crd = await waitCondition(client, 'crates.hold.example.com', 'Terminating', 'True');
      assert.equal(conditionOf(crd, 'Terminating')?.reason, 'InstanceDeletionInProgress');
      assert.ok(crd.metadata.finalizers?.includes(CLEANUP_FINALIZER));
      await assert.rejects(
        client.create(held, { apiVersion: 'hold.example.com/v1', kind: 'Crate', metadata: { name: 'new', namespace: 'default' } }, { namespace: 'default' }),
        (e: { code?: number }) => e.code === 405,
      );
      await client.patch(held, { namespace: 'default', name: 'stuck' }, 'merge', { metadata: { finalizers: null } });
      await eventually('CRD gone', () => isGone(client, CRDS, { name: 'crates.hold.example.com' }));
    });
  });

  describe('with the controllers', () => {
    let cluster: Awaited<ReturnType<typeof startCluster>>;
    let client: Client;
    before(async () => {
      cluster = await startCluster({ controllers: true });
      client = inProcessClient(cluster.server);
    });
    after(async () => cluster?.close());

    it('the Namespace controller deletes the custom resources of a terminating namespace', async () => {
      const pots = gvr('ns.example.com/v1', 'pots');
      await createAndServe(client, simpleCrd('ns.example.com', 'Pot'), pots);
      await client.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'crs' } });
      await client.create(pots, { apiVersion: 'ns.example.com/v1', kind: 'Pot', metadata: { name: 'p', namespace: 'crs' } }, { namespace: 'crs' });
      await client.delete(NS, { name: 'crs' });
      await eventually('namespace gone', () => isGone(client, NS, { name: 'crs' }), 30_000);
      assert.equal((await client.list(pots, { namespace: 'crs' })).items.length, 0);
    });

    it('the GarbageCollector deletes the dependents of a deleted custom resource', async () => {
      const owners = gvr('gc.example.com/v1', 'owners');
      await createAndServe(client, simpleCrd('gc.example.com', 'Owner'), owners);
      const owner = await client.create<KObject>(owners, { apiVersion: 'gc.example.com/v1', kind: 'Owner', metadata: { name: 'o', namespace: 'default' } }, { namespace: 'default' });
      const ref = { apiVersion: 'gc.example.com/v1', kind: 'Owner', name: 'o', uid: owner.metadata.uid ?? '' };
      await client.create(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dependent', namespace: 'default', ownerReferences: [ref] } }, { namespace: 'default' });
      await client.delete(owners, { namespace: 'default', name: 'o' });
      await eventually('dependent collected', () => isGone(client, CM, { namespace: 'default', name: 'dependent' }), 30_000);
    });
  });

  describe('manifests', () => {
    const dirs: string[] = [];
    after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
    const tmp = () => {
      const d = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-crds-'));
      dirs.push(d);
      return d;
    };

    it('finds crds/ beside the package.json of k8ts, not in the working directory', () => {
      const dir = builtinCrdsDir();
      assert.ok(dir && fs.existsSync(path.join(path.dirname(dir), 'package.json')));
      assert.equal(JSON.parse(fs.readFileSync(path.join(path.dirname(dir), 'package.json'), 'utf8')).name, 'k8ts');
    });

    it('reads every CRD of multi-document YAML files and reports unreadable files', () => {
      const dir = tmp();
      fs.writeFileSync(path.join(dir, 'two.yaml'), `${stringify(simpleCrd('m.example.com', 'One'))}---\n${stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })}---\n${stringify(simpleCrd('m.example.com', 'Two'))}`);
      fs.writeFileSync(path.join(dir, 'bad.yaml'), 'a: [unclosed');
      const { crds, errors } = readCrdManifests(dir);
      assert.deepEqual(crds.map((c) => c.metadata.name), ['ones.m.example.com', 'twos.m.example.com']);
      assert.equal(errors.length, 1);
    });

    it('applies the CRDs of manifestDirs at start and serves them', async () => {
      const dir = tmp();
      fs.writeFileSync(path.join(dir, 'crd.yaml'), stringify(simpleCrd('start.example.com', 'Early')));
      const cluster = await startCluster({ config: { plugins: { apiextensions: { enabled: [{ name: 'APIExtensionServer', options: { manifestDirs: [dir] } }] } } } });
      try {
        const client = inProcessClient(cluster.server);
        // served as soon as the server has started: no waiting
        assert.deepEqual((await client.list(gvr('start.example.com/v1', 'earlys'))).items, []);
        assert.equal(await applyCrd(client, simpleCrd('start.example.com', 'Early')), 'unchanged');
        const changed = simpleCrd('start.example.com', 'Early', { shortNames: ['ea'] });
        assert.equal(await applyCrd(client, changed), 'updated');
      } finally {
        await cluster.close();
      }
    });

    it('starts without serving custom resources when the CustomResourceDefinition resource is disabled', async () => {
      const cluster = await startCluster({ config: { plugins: { resources: { disabled: ['CustomResourceDefinition'] } } } });
      try {
        await assert.rejects(inProcessClient(cluster.server).list(CRDS), (e: { reason?: string }) => e.reason === 'NotFound');
      } finally {
        await cluster.close();
      }
    });

    it('serves the custom resources stored before a restart', async () => {
      const dataDir = path.join(tmp(), 'data');
      const config = { dataDir, storage: { backend: 'sqlite' } };
      const first = await startCluster({ config, storage: 'sqlite' });
      const widgets = gvr('restart.example.com/v1', 'widgets');
      try {
        const client = inProcessClient(first.server);
        await createAndServe(client, simpleCrd('restart.example.com', 'Widget'), widgets);
        await client.create(widgets, { apiVersion: 'restart.example.com/v1', kind: 'Widget', metadata: { name: 'kept', namespace: 'default' } }, { namespace: 'default' });
      } finally {
        await first.close(); // its data dir is outside the cluster dir and survives
      }
      const second = await startCluster({ config, storage: 'sqlite' });
      try {
        const got = await inProcessClient(second.server).get(widgets, { namespace: 'default', name: 'kept' });
        assert.equal(got.metadata.name, 'kept');
      } finally {
        await second.close();
      }
    });
  });
});
