import assert from 'node:assert/strict';
import { podHostPorts } from '../shared/pod';
import { node, nodeInfos, pod } from '../shared/testing';
import { portsConflict } from '.';

describe('scheduler/NodePorts', () => {
  const withPort = (name: string, port: Record<string, unknown>, nodeName?: string) =>
    pod(name, { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80, ...port }] }] });
  const cases: Array<{ name: string; existing: Record<string, unknown>; want: Record<string, unknown>; conflict: boolean }> = [
    { name: 'the same TCP host port conflicts', existing: { hostPort: 8080 }, want: { hostPort: 8080 }, conflict: true },
    { name: 'another host port does not', existing: { hostPort: 8080 }, want: { hostPort: 8081 }, conflict: false },
    { name: 'the same port over UDP does not conflict with TCP', existing: { hostPort: 53 }, want: { hostPort: 53, protocol: 'UDP' }, conflict: false },
    { name: 'two different host IPs share a port', existing: { hostPort: 80, hostIP: '127.0.0.1' }, want: { hostPort: 80, hostIP: '127.0.0.2' }, conflict: false },
    { name: '0.0.0.0 conflicts with any host IP', existing: { hostPort: 80, hostIP: '127.0.0.1' }, want: { hostPort: 80 }, conflict: true },
    { name: 'a containerPort without hostPort asks for nothing', existing: { hostPort: 80 }, want: {}, conflict: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const [ni] = nodeInfos([node('n')], [withPort('e', c.existing, 'n')]);
      assert.equal(portsConflict(podHostPorts(withPort('p', c.want)), ni), c.conflict);
    });
  }
});
