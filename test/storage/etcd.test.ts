/**
 * The etcd backend against the shared storage conformance and linearizability suites. One etcd
 * server (test/helpers/etcd.ts) for the file; every open() gets its own key prefix, so cases never
 * see each other's keys (compaction is cluster-wide, and the suites only read revisions they wrote
 * after any earlier compaction).
 */
import { openEtcdStorage } from '../../core/storage/etcd';
import { storageConformance } from '../conformance/storage/suite';
import { linearizabilitySuite } from '../conformance/storage/linearizability';
import type { OpenedStorage } from '../conformance/storage/harness';
import { startEtcd, type EtcdServer } from '../helpers/etcd';

describe('etcd backend (real etcd)', function () {
  let etcd: EtcdServer | undefined;
  let opened = 0;

  before(async function () {
    this.timeout(60_000);
    etcd = await startEtcd();
  });

  after(async function () {
    await etcd?.stop();
    etcd = undefined;
  });

  async function open(): Promise<OpenedStorage> {
    if (!etcd) throw new Error('etcd is not running');
    opened++;
    const storage = await openEtcdStorage({ endpoints: [etcd.endpoint], prefix: `/k8ts-test/${process.pid}-${opened}` });
    return { storage, cleanup: () => storage.close() };
  }

  storageConformance('etcd', open);
  linearizabilitySuite('etcd', open);
});
