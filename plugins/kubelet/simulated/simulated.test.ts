import assert from 'node:assert/strict';
import { parseDelay, simulatedNodeIP } from './index';
import { expandNodes } from '../kubelet/config';
import { NodeIpam } from '../kubelet/ipam';
import { buildServer } from '../../../core/server/bootstrap';
import { validateConfig } from '../../../core/config/load';
import { builtinPlugins } from '../../index';

describe('kubelet/SimulatedRuntime and the nodes: key', () => {
  it('parses kwok delays as Go durations or milliseconds', () => {
    assert.equal(parseDelay('1m30s'), 90_000);
    assert.equal(parseDelay('500ms'), 500);
    assert.equal(parseDelay('250'), 250);
  });

  it('ignores a delay annotation that does not parse', () => {
    assert.equal(parseDelay('soon'), undefined);
    assert.equal(parseDelay('5x'), undefined);
  });

  it('gives nodes distinct fake InternalIPs', () => {
    assert.equal(simulatedNodeIP(0), '10.250.0.1');
    assert.equal(simulatedNodeIP(255), '10.250.1.0');
    assert.notEqual(simulatedNodeIP(1000), simulatedNodeIP(1001));
  });

  it('hosts one simulated node k8ts-node-0 when nodes: is absent, none when it is []', () => {
    const nodes = expandNodes(undefined);
    assert.deepEqual(nodes.map((n) => [n.name, n.runtime]), [['k8ts-node-0', 'simulated']]);
    assert.deepEqual(expandNodes([]), []);
  });

  it('refuses a node listed twice', () => {
    assert.throws(() => expandNodes([{ name: 'a-0' }, { name: 'a', count: 2 }]), /listed twice/);
  });

  it('refuses a node whose runtime no plugin provides, at startup', () => {
    const config = validateConfig({ nodes: [{ name: 'x', runtime: 'sandbox' }] }, 'test.yaml');
    assert.throws(() => buildServer({ loaded: { config, file: 'test.yaml', baseDir: process.cwd() }, builtins: builtinPlugins }), (err: Error) => err.name === 'ConfigError' && /runtime/.test(err.message));
  });

  it('hands out pod IPs from the node CIDR, skipping the gateway, and reuses released ones', () => {
    const ipam = new NodeIpam('10.128.3.0/30');
    assert.equal(ipam.allocate('a'), '10.128.3.2');
    assert.equal(ipam.allocate('b'), undefined); // a /30 holds one pod address
    ipam.release('a');
    assert.equal(ipam.allocate('b'), '10.128.3.2');
  });
});
