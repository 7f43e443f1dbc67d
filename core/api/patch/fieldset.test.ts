import assert from 'node:assert/strict';
import { FieldSet, formatPath } from './fieldset';
import { expectStatus } from './test-helpers';

const NGINX = 'k:{"name":"nginx"}';

describe('patch/fieldset', () => {
  it('encodes members as FieldsV1, with "." for a member that has members below it', () => {
    const set = new FieldSet([
      ['f:spec', 'f:replicas'],
      ['f:spec', 'f:containers', NGINX],
      ['f:spec', 'f:containers', NGINX, 'f:image'],
    ]);
    assert.deepEqual(set.toFieldsV1(), {
      'f:spec': { 'f:containers': { [NGINX]: { '.': {}, 'f:image': {} } }, 'f:replicas': {} },
    });
  });

  it('decodes FieldsV1 back to the same members', () => {
    const fields = { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:replicas': {} } };
    const set = FieldSet.fromFieldsV1(fields);
    assert.deepEqual(set.paths(), [
      ['f:metadata', 'f:labels'],
      ['f:metadata', 'f:labels', 'f:app'],
      ['f:spec', 'f:replicas'],
    ]);
    assert.deepEqual(set.toFieldsV1(), fields);
  });

  it('a FieldsV1 that is not an object is 400 BadRequest', () => {
    expectStatus(() => FieldSet.fromFieldsV1('f:spec'), 'BadRequest', 400);
  });

  it('an unknown path element is 400 BadRequest', () => {
    expectStatus(() => FieldSet.fromFieldsV1({ 'x:spec': {} }), 'BadRequest', 400);
  });

  it('a k: element that is not a JSON object is 400 BadRequest', () => {
    expectStatus(() => FieldSet.fromFieldsV1({ 'f:spec': { 'k:name': {} } }), 'BadRequest', 400);
  });

  it('union, difference and intersection work member-wise', () => {
    const a = new FieldSet([['f:a'], ['f:b']]);
    const b = new FieldSet([['f:b'], ['f:c']]);
    assert.deepEqual(a.union(b).paths(), [['f:a'], ['f:b'], ['f:c']]);
    assert.deepEqual(a.difference(b).paths(), [['f:a']]);
    assert.deepEqual(a.intersection(b).paths(), [['f:b']]);
  });

  it('hasDescendant sees members strictly below a path only', () => {
    const set = new FieldSet([['f:spec', 'f:replicas']]);
    assert.equal(set.hasDescendant(['f:spec']), true);
    assert.equal(set.hasDescendant(['f:spec', 'f:replicas']), false);
    assert.equal(set.hasDescendant(['f:spe']), false);
  });

  it('formats paths as apiserver conflict messages do', () => {
    assert.equal(formatPath(['f:spec', 'f:replicas']), '.spec.replicas');
    assert.equal(formatPath(['f:spec', 'f:containers', NGINX, 'f:image']), '.spec.containers[name="nginx"].image');
    assert.equal(formatPath(['f:ports', 'k:{"containerPort":80,"protocol":"TCP"}']), '.ports[containerPort=80,protocol="TCP"]');
    assert.equal(formatPath(['f:metadata', 'f:finalizers', 'v:"example.com/x"']), '.metadata.finalizers[="example.com/x"]');
  });
});
