import assert from 'node:assert/strict';
import * as c from './checks';

type Obj = Record<string, any>;
const spec = (extra: Obj = {}, container: Obj = {}): Obj => ({ containers: [{ name: 'c', image: 'x', ...container }], ...extra });
const restrictedContainer = {
  securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, capabilities: { drop: ['ALL'] } },
};

describe('admission/PodSecurity checks', () => {
  it('hostNamespaces flags hostNetwork, hostPID and hostIPC', () => {
    assert.equal(c.hostNamespaces({}, spec({ hostNetwork: true, hostIPC: true }))?.detail, 'hostNetwork=true, hostIPC=true');
  });
  it('privileged flags privileged containers', () => {
    assert.equal(c.privileged({}, spec({}, { securityContext: { privileged: true } }))?.detail, 'container "c" must not set securityContext.privileged=true');
  });
  it('capabilitiesBaseline allows the default set and flags others', () => {
    assert.equal(c.capabilitiesBaseline({}, spec({}, { securityContext: { capabilities: { add: ['CHOWN'] } } })), undefined);
    assert.equal(c.capabilitiesBaseline({}, spec({}, { securityContext: { capabilities: { add: ['NET_ADMIN'] } } }))?.reason, 'non-default capabilities');
  });
  it('hostPathVolumes flags hostPath volumes', () => {
    assert.equal(c.hostPathVolumes({}, spec({ volumes: [{ name: 'h', hostPath: { path: '/' } }] }))?.detail, 'volume "h"');
  });
  it('hostPorts flags host ports', () => {
    assert.equal(c.hostPorts({}, spec({}, { ports: [{ containerPort: 80, hostPort: 8080 }] }))?.detail, 'container "c" uses hostPort 8080');
  });
  it('appArmor flags unconfined profiles (annotation and field)', () => {
    assert.ok(c.appArmor({ annotations: { 'container.apparmor.security.beta.kubernetes.io/c': 'unconfined' } }, spec()));
    assert.ok(c.appArmor({}, spec({}, { securityContext: { appArmorProfile: { type: 'Unconfined' } } })));
    assert.equal(c.appArmor({}, spec({ securityContext: { appArmorProfile: { type: 'RuntimeDefault' } } })), undefined);
  });
  it('seLinuxOptions flags custom types, users and roles', () => {
    assert.ok(c.seLinuxOptions({}, spec({ securityContext: { seLinuxOptions: { type: 'spc_t' } } })));
    assert.equal(c.seLinuxOptions({}, spec({}, { securityContext: { seLinuxOptions: { type: 'container_t', level: 's0' } } })), undefined);
  });
  it('procMount flags Unmasked', () => {
    assert.equal(c.procMount({}, spec({}, { securityContext: { procMount: 'Unmasked' } }))?.reason, 'procMount');
  });
  it('seccompBaseline flags Unconfined', () => {
    assert.ok(c.seccompBaseline({}, spec({ securityContext: { seccompProfile: { type: 'Unconfined' } } })));
  });
  it('sysctls allows the safe set only', () => {
    assert.equal(c.sysctls({}, spec({ securityContext: { sysctls: [{ name: 'net.ipv4.tcp_syncookies', value: '1' }] } })), undefined);
    assert.equal(c.sysctls({}, spec({ securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] } }))?.detail, 'kernel.msgmax');
  });
  it('hostProcess flags Windows host process pods', () => {
    assert.ok(c.hostProcess({}, spec({ securityContext: { windowsOptions: { hostProcess: true } } })));
  });
  it('volumeTypes allows only the restricted volume sources', () => {
    assert.equal(c.volumeTypes({}, spec({ volumes: [{ name: 'a', emptyDir: {} }, { name: 'b', projected: { sources: [] } }] })), undefined);
    assert.equal(c.volumeTypes({}, spec({ volumes: [{ name: 'n', nfs: { server: 's', path: '/' } }] }))?.detail, 'volume "n" uses restricted volume type "nfs"');
  });
  it('allowPrivilegeEscalation must be false', () => {
    assert.ok(c.allowPrivilegeEscalation({}, spec()));
    assert.equal(c.allowPrivilegeEscalation({}, spec({}, { securityContext: { allowPrivilegeEscalation: false } })), undefined);
  });
  it('runAsNonRoot must be true on the pod or every container', () => {
    assert.ok(c.runAsNonRoot({}, spec()));
    assert.equal(c.runAsNonRoot({}, spec({ securityContext: { runAsNonRoot: true } })), undefined);
    assert.ok(c.runAsNonRoot({}, spec({ securityContext: { runAsNonRoot: true } }, { securityContext: { runAsNonRoot: false } })));
  });
  it('runAsUser must not be 0', () => {
    assert.ok(c.runAsUser({}, spec({}, { securityContext: { runAsUser: 0 } })));
    assert.equal(c.runAsUser({}, spec({}, { securityContext: { runAsUser: 1000 } })), undefined);
  });
  it('seccompRestricted needs RuntimeDefault or Localhost', () => {
    assert.ok(c.seccompRestricted({}, spec()));
    assert.equal(c.seccompRestricted({}, spec({ securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'p' } } })), undefined);
  });
  it('capabilitiesRestricted needs drop ALL and allows adding NET_BIND_SERVICE only', () => {
    assert.ok(c.capabilitiesRestricted({}, spec()));
    assert.equal(c.capabilitiesRestricted({}, spec({}, { securityContext: { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } })), undefined);
    assert.ok(c.capabilitiesRestricted({}, spec({}, { securityContext: { capabilities: { drop: ['ALL'], add: ['CHOWN'] } } })));
  });
  it('checks ephemeral and init containers too', () => {
    assert.ok(c.privileged({}, { containers: [{ name: 'c' }], ephemeralContainers: [{ name: 'e', securityContext: { privileged: true } }] }));
    assert.ok(c.privileged({}, { containers: [{ name: 'c' }], initContainers: [{ name: 'i', securityContext: { privileged: true } }] }));
  });
  it('checkPod: privileged allows everything, restricted accepts a hardened pod', () => {
    assert.deepEqual(c.checkPod('privileged', {}, spec({ hostNetwork: true })), []);
    assert.deepEqual(c.checkPod('restricted', {}, spec({}, restrictedContainer)), []);
    assert.deepEqual(c.checkPod('baseline', {}, spec()), []);
    assert.deepEqual(c.checkPod('restricted', {}, spec()).map((v) => v.reason), ['allowPrivilegeEscalation != false', 'runAsNonRoot != true', 'seccompProfile', 'unrestricted capabilities']);
  });
});
