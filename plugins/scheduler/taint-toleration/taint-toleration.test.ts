import assert from 'node:assert/strict';
import { tolerates } from '../shared/pod';
import { node, nodeInfos, pod } from '../shared/testing';
import { intolerablePreferNoSchedule, taintFilter } from '.';

// Kubernetes docs, "Taints and Tolerations"
describe('scheduler/TaintToleration', () => {
  const taint = { key: 'key1', value: 'value1', effect: 'NoSchedule' };
  const cases: Array<{ name: string; toleration: Record<string, unknown>; want: boolean }> = [
    { name: 'operator Equal with the same key, value and effect tolerates', toleration: { key: 'key1', operator: 'Equal', value: 'value1', effect: 'NoSchedule' }, want: true },
    { name: 'operator Exists with the key tolerates any value', toleration: { key: 'key1', operator: 'Exists', effect: 'NoSchedule' }, want: true },
    { name: 'an empty key with Exists tolerates everything', toleration: { operator: 'Exists' }, want: true },
    { name: 'an empty effect matches every effect of the key', toleration: { key: 'key1', operator: 'Equal', value: 'value1' }, want: true },
    { name: 'another value does not tolerate', toleration: { key: 'key1', operator: 'Equal', value: 'other', effect: 'NoSchedule' }, want: false },
    { name: 'another effect does not tolerate', toleration: { key: 'key1', operator: 'Exists', effect: 'NoExecute' }, want: false },
    { name: 'operator defaults to Equal', toleration: { key: 'key1', value: 'value1' }, want: true },
  ];
  for (const c of cases) it(c.name, () => assert.equal(tolerates(c.toleration, taint), c.want));

  it('filters a node with an untolerated NoSchedule taint, naming it', () => {
    const [ni] = nodeInfos([node('n', { taints: [taint] })]);
    const s = taintFilter(pod('p'), ni);
    assert.equal(s?.code, 'UnschedulableAndUnresolvable');
    assert.deepEqual(s?.reasons, ['node(s) had untolerated taint {key1: value1}']);
  });

  it('ignores PreferNoSchedule taints when filtering', () => {
    const [ni] = nodeInfos([node('n', { taints: [{ key: 'k', value: 'v', effect: 'PreferNoSchedule' }] })]);
    assert.equal(taintFilter(pod('p'), ni), undefined);
  });

  it('counts untolerated PreferNoSchedule taints for the score', () => {
    const taints = [
      { key: 'a', value: '1', effect: 'PreferNoSchedule' },
      { key: 'b', value: '1', effect: 'PreferNoSchedule' },
    ];
    assert.equal(intolerablePreferNoSchedule(taints, [{ key: 'a', operator: 'Exists', effect: 'PreferNoSchedule' }]), 1);
  });
});
