/** `k8ts scheduler --kubeconfig FILE` as its own process against a started apiserver (HTTPS). */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { inProcessClient, LEASE_GVR, type Client } from '../../../core/client';
import type { KObject } from '../../../core/registry/types';
import { BIN, ROOT } from '../../../test/helpers/k8ts-process';
import { startCluster } from '../../controllers/shared/test-cluster';
import { createNode, eventually, node, nodeOf, PODS, pod } from '../shared/testing';

describe('k8ts scheduler (own process)', function () {
  this.timeout(60_000);
  let cluster: Awaited<ReturnType<typeof startCluster>> | undefined;
  let client: Client | undefined;
  const children: ChildProcess[] = [];
  afterEach(async () => {
    await Promise.all(
      children.splice(0).map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGKILL');
          }),
      ),
    );
    client?.close();
    await cluster?.close();
    cluster = undefined;
  });

  it('takes the Lease kube-system/kube-scheduler, binds pods over HTTPS, and releases the Lease on SIGTERM', async () => {
    // the apiserver runs no scheduler of its own (startCluster disables the area)
    cluster = await startCluster({ tls: true });
    client = inProcessClient(cluster.server);
    const child = spawn(process.execPath, [BIN, 'scheduler', '--kubeconfig', cluster.kubeconfigPath], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    type Lease = KObject & { spec: { holderIdentity?: string } };
    await eventually(`the remote scheduler's Lease (output: ${out})`, async () => (await client!.get<Lease>(LEASE_GVR, { namespace: 'kube-system', name: 'kube-scheduler' })).spec.holderIdentity, 30_000);
    await createNode(client, node('remote-node'));
    await client.create(PODS, pod('p'));
    assert.equal(await nodeOf(client, 'p', 30_000), 'remote-node');
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exit, 0, out);
    const released = await client.get<Lease>(LEASE_GVR, { namespace: 'kube-system', name: 'kube-scheduler' });
    assert.equal(released.spec.holderIdentity ?? '', '');
  });

  it('without --kubeconfig it is a usage error (exit 2)', async () => {
    const child = spawn(process.execPath, [BIN, 'scheduler'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    assert.equal(code, 2);
    assert.match(err, /--kubeconfig is required/);
  });
});
