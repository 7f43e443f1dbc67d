import assert from 'node:assert/strict';
import { tuneHeapGrowth } from './heap';

describe('cli/heap: tuneHeapGrowth', () => {
  it('sets --heap-growing-percent=100 by default', () => {
    const set: string[] = [];
    assert.equal(tuneHeapGrowth(undefined, { execArgv: [], setFlags: (f) => set.push(f) }), true);
    assert.deepEqual(set, ['--heap-growing-percent=100']);
  });

  it('leaves a value from the node command line alone', () => {
    const set: string[] = [];
    assert.equal(tuneHeapGrowth(100, { execArgv: ['--heap_growing_percent=30'], setFlags: (f) => set.push(f) }), false);
    assert.deepEqual(set, []);
  });

  it('leaves a value from NODE_OPTIONS alone', () => {
    const set: string[] = [];
    assert.equal(tuneHeapGrowth(100, { execArgv: [], nodeOptions: '--max-old-space-size=4096 --heap-growing-percent=50', setFlags: (f) => set.push(f) }), false);
    assert.deepEqual(set, []);
  });
});
