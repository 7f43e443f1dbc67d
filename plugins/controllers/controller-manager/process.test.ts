/** `k8ts controller-manager --kubeconfig FILE` as its own process against a started apiserver (HTTPS). */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { gvr, isStatusReason, LEASE_GVR } from '../../../core/client';
import type { KObject } from '../../../core/registry/types';
import { BIN, ROOT } from '../../../test/helpers/k8ts-process';
import { eventually, useControllerCluster } from './testing';

const NS = gvr('v1', 'namespaces');
const SA = gvr('v1', 'serviceaccounts');
const CM = gvr('v1', 'configmaps');

describe('k8ts controller-manager (own process)', () => {
  const cluster = useControllerCluster();
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
  });

  it('takes the Lease, runs the controllers over HTTPS, and releases the Lease on SIGTERM', async () => {
    // the apiserver runs no controllers of its own
    const { client, started } = await cluster.start({ apiserver: { insecureHttp: false }, plugins: { controllers: { disabled: ['*'] } } });
    const child = spawn(process.execPath, [BIN, 'controller-manager', '--kubeconfig', started.kubeconfigPath], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    type Lease = KObject & { spec: { holderIdentity?: string } };
    const lease = await eventually(async () => {
      const l = await client.get<Lease>(LEASE_GVR, { namespace: 'kube-system', name: 'kube-controller-manager' });
      return l.spec.holderIdentity ? l : undefined;
    }, 20_000, `the remote manager's Lease (output: ${out})`);
    assert.ok(lease.spec.holderIdentity);
    // ServiceAccount controller
    await client.create(NS, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'remote' } });
    await eventually(() => client.get(SA, { namespace: 'remote', name: 'default' }), 20_000, 'default SA from the remote manager');
    // garbage collector: a dependent of a missing owner is deleted
    await client.create(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'orphaned', namespace: 'default', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: '00000000-0000-0000-0000-0000000000aa' }] } });
    await eventually(async () => {
      try {
        await client.get(CM, { namespace: 'default', name: 'orphaned' });
        return false;
      } catch (err) {
        return isStatusReason(err, 'NotFound');
      }
    }, 20_000, 'dangling dependent deleted by the remote manager');
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exit, 0, out);
    if (process.env.DEBUG_CM) console.log(out);
    const released = await client.get<Lease>(LEASE_GVR, { namespace: 'kube-system', name: 'kube-controller-manager' });
    assert.equal(released.spec.holderIdentity ?? '', '');
  });

  it('without --kubeconfig it is a usage error (exit 2)', async () => {
    const child = spawn(process.execPath, [BIN, 'controller-manager'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    assert.equal(code, 2);
    assert.match(err, /--kubeconfig is required/);
  });
});
