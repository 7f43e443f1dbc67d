import assert from 'node:assert/strict';
import { BUILTIN_PATCH_KINDS, GENERIC_PATCH_SCHEMA, builtinPatchSchema } from './builtin-schema';
import { fieldMeta, ssaListKind } from './schema';

describe('patch/builtin-schema', () => {
  it('custom kinds have no built-in schema', () => {
    assert.equal(builtinPatchSchema('Widget'), undefined);
  });

  it('every built-in kind merges finalizers as a set and ownerReferences by uid', () => {
    for (const kind of BUILTIN_PATCH_KINDS) {
      const s = builtinPatchSchema(kind)!;
      assert.equal(ssaListKind(fieldMeta(s, 'metadata.finalizers')).type, 'set', kind);
      assert.equal(fieldMeta(s, 'metadata.ownerReferences')?.mergeKey, 'uid', kind);
      assert.equal(fieldMeta(s, 'status.conditions')?.mergeKey, 'type', kind);
    }
  });

  it('the pod template paths of each workload kind', () => {
    const paths: Record<string, string> = {
      Pod: 'spec',
      PodTemplate: 'template.spec',
      Deployment: 'spec.template.spec',
      ReplicaSet: 'spec.template.spec',
      StatefulSet: 'spec.template.spec',
      DaemonSet: 'spec.template.spec',
      Job: 'spec.template.spec',
      ReplicationController: 'spec.template.spec',
      CronJob: 'spec.jobTemplate.spec.template.spec',
    };
    for (const [kind, prefix] of Object.entries(paths)) {
      const s = builtinPatchSchema(kind)!;
      assert.equal(fieldMeta(s, `${prefix}.containers`)?.mergeKey, 'name', kind);
      assert.equal(fieldMeta(s, `${prefix}.initContainers[].env`)?.mergeKey, 'name', kind);
      assert.equal(fieldMeta(s, `${prefix}.containers[].ports`)?.mergeKey, 'containerPort', kind);
      assert.equal(fieldMeta(s, `${prefix}.containers[].volumeMounts`)?.mergeKey, 'mountPath', kind);
      assert.equal(fieldMeta(s, `${prefix}.ephemeralContainers[].volumeDevices`)?.mergeKey, 'devicePath', kind);
      assert.equal(fieldMeta(s, `${prefix}.volumes`)?.patchStrategy, 'merge,retainKeys', kind);
      assert.equal(fieldMeta(s, `${prefix}.hostAliases`)?.mergeKey, 'ip', kind);
      assert.equal(fieldMeta(s, `${prefix}.topologySpreadConstraints`)?.mergeKey, 'topologyKey', kind);
      for (const list of ['imagePullSecrets', 'resourceClaims', 'schedulingGates']) {
        assert.equal(fieldMeta(s, `${prefix}.${list}`)?.mergeKey, 'name', `${kind} ${list}`);
      }
    }
  });

  it('server-side apply keys container ports by containerPort and protocol (default TCP)', () => {
    const kind = ssaListKind(fieldMeta(builtinPatchSchema('Pod')!, 'spec.containers[].ports'));
    assert.deepEqual(kind, { type: 'map', keys: ['containerPort', 'protocol'], defaults: { protocol: 'TCP' } });
  });

  it('Service ports by port, Node addresses by type and podCIDRs as a set', () => {
    assert.equal(fieldMeta(builtinPatchSchema('Service')!, 'spec.ports')?.mergeKey, 'port');
    assert.equal(fieldMeta(builtinPatchSchema('Node')!, 'status.addresses')?.mergeKey, 'type');
    assert.equal(ssaListKind(fieldMeta(builtinPatchSchema('Node')!, 'spec.podCIDRs')).type, 'set');
  });

  it('Pod status podIPs and hostIPs merge by ip', () => {
    const s = builtinPatchSchema('Pod')!;
    assert.equal(fieldMeta(s, 'status.podIPs')?.mergeKey, 'ip');
    assert.equal(fieldMeta(s, 'status.hostIPs')?.mergeKey, 'ip');
  });

  it('Deployment strategy honours $retainKeys', () => {
    assert.equal(fieldMeta(builtinPatchSchema('Deployment')!, 'spec.strategy')?.patchStrategy, 'retainKeys');
  });

  it('plain built-ins such as ConfigMap get the generic schema', () => {
    assert.equal(builtinPatchSchema('ConfigMap'), GENERIC_PATCH_SCHEMA);
  });
});
