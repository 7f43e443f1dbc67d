import assert from 'node:assert/strict';
import { node, nodeInfos, pod } from '../shared/testing';
import { volumeFilter } from '.';

describe('scheduler/VolumeRestrictions', () => {
  const gce = (readOnly: boolean) => ({ name: 'v', gcePersistentDisk: { pdName: 'disk-1', readOnly } });
  const run = (mine: object, theirs: object) => {
    const [ni] = nodeInfos([node('n')], [pod('e', { nodeName: 'n', volumes: [theirs] })]);
    return volumeFilter(pod('p', { volumes: [mine] }), ni);
  };
  it('the same GCE PD mounted read-write twice conflicts', () => {
    assert.deepEqual(run(gce(false), gce(false))?.reasons, ['node(s) had no available disk']);
  });
  it('the same GCE PD read-only on both sides does not', () => {
    assert.equal(run(gce(true), gce(true)), undefined);
  });
  it('an AWS EBS volume conflicts even read-only', () => {
    const ebs = { name: 'v', awsElasticBlockStore: { volumeID: 'vol-1', readOnly: true } };
    assert.equal(run(ebs, ebs)?.code, 'Unschedulable');
  });
  it('emptyDir volumes never conflict', () => {
    assert.equal(run({ name: 'v', emptyDir: {} }, { name: 'v', emptyDir: {} }), undefined);
  });
});
