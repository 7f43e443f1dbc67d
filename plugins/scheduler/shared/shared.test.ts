import assert from 'node:assert/strict';
import { SchedulingQueue } from './queue';
import { resolveProfile } from './profile';
import { fitErrorMessage } from './framework';
import { prioritySortLess } from '../priority-sort';
import type { RegisteredSchedulerPlugin } from './define';
import type { ExtensionPoint } from './hooks';
import type { QueuedPodInfo } from './types';

const q = (key: string, priority = 0, timestamp = 0): QueuedPodInfo => ({ key, pod: {}, priority, initialAttemptTimestamp: timestamp, timestamp, attempts: 0, unschedulablePlugins: new Set() });

describe('scheduler/shared: queue', () => {
  let now = 0;
  const queue = () => new SchedulingQueue({ less: prioritySortLess, now: () => now });
  beforeEach(() => (now = 1_000_000));

  it('pops the highest priority first, then the oldest', async () => {
    const s = queue();
    s.add(q('low', 0, 1));
    s.add(q('high-new', 10, 3));
    s.add(q('high-old', 10, 2));
    assert.deepEqual([(await s.pop())!.key, (await s.pop())!.key, (await s.pop())!.key], ['high-old', 'high-new', 'low']);
  });

  it('backs off exponentially from 1 s to at most 10 s', () => {
    const s = queue();
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((attempts) => s.backoffDuration({ ...q('x'), attempts })), [1000, 2000, 4000, 8000, 10000, 10000]);
  });

  it('parks an unschedulable pod until a cluster event moves it', async () => {
    const s = queue();
    s.add(q('p'));
    const popped = (await s.pop())!;
    s.addUnschedulable(popped, s.schedulingCycle);
    assert.deepEqual(s.sizes, { active: 0, backoff: 0, unschedulable: 1 });
    now += 5000;
    s.moveAllToActiveOrBackoff();
    assert.deepEqual(s.sizes, { active: 1, backoff: 0, unschedulable: 0 });
  });

  it('moves a pod still backing off to the backoff queue, then to active when it expires', async () => {
    const s = queue();
    s.add(q('p'));
    const popped = (await s.pop())!;
    s.addUnschedulable(popped, s.schedulingCycle);
    s.moveAllToActiveOrBackoff();
    assert.deepEqual(s.sizes, { active: 0, backoff: 1, unschedulable: 0 });
    now += 1000;
    s.flush();
    assert.deepEqual(s.sizes, { active: 1, backoff: 0, unschedulable: 0 });
  });

  it('sends a pod to backoff, not unschedulable, when an event came during its attempt', async () => {
    const s = queue();
    s.add(q('p'));
    const popped = (await s.pop())!;
    const cycle = s.schedulingCycle;
    s.moveAllToActiveOrBackoff();
    s.addUnschedulable(popped, cycle);
    assert.deepEqual(s.sizes, { active: 0, backoff: 1, unschedulable: 0 });
  });
});

describe('scheduler/shared: profiles (merge rules)', () => {
  const reg = (name: string, points: ExtensionPoint[], defaults: ExtensionPoint[] = points, defaultWeight = 1): RegisteredSchedulerPlugin => ({
    name,
    implements: new Set(points),
    defaultPoints: new Set(defaults),
    defaultWeight,
    options: {},
  });
  const registered = [reg('A', ['filter', 'score'], ['filter', 'score'], 3), reg('B', ['filter']), reg('C', ['filter', 'score'], [])];
  const names = (l: Array<{ name: string }>) => l.map((x) => x.name);

  it('enables the defaults in catalogue order', () => {
    const p = resolveProfile({ schedulerName: 's' }, registered, 'f', 'p');
    assert.deepEqual(names(p.points.filter), ['A', 'B']);
  });

  it('"*" disables every default and enabled appends', () => {
    const p = resolveProfile({ schedulerName: 's', plugins: { filter: { disabled: ['*'], enabled: ['C'] } } }, registered, 'f', 'p');
    assert.deepEqual(names(p.points.filter), ['C']);
  });

  it('a re-listed default keeps its place and takes the new weight', () => {
    const p = resolveProfile({ schedulerName: 's', plugins: { score: { enabled: ['C', { name: 'A', weight: 7 }] } } }, registered, 'f', 'p');
    assert.deepEqual(p.points.score, [{ name: 'A', weight: 7 }, { name: 'C', weight: 1 }]);
  });

  it('keeps the default weight when none is given', () => {
    const p = resolveProfile({ schedulerName: 's' }, registered, 'f', 'p');
    assert.deepEqual(p.points.score, [{ name: 'A', weight: 3 }]);
  });

  it('names the YAML path of an unknown plugin', () => {
    assert.throws(() => resolveProfile({ schedulerName: 's', plugins: { filter: { enabled: ['Nope'] } } }, registered, 'k8ts.yaml', 'scheduler.profiles[0]'), /scheduler\.profiles\[0\]\.plugins\.filter\.enabled\[0\]/);
  });

  it('refuses a plugin at a point it does not implement', () => {
    assert.throws(() => resolveProfile({ schedulerName: 's', plugins: { score: { enabled: ['B'] } } }, registered, 'f', 'p'), /unknown plugin "B"/);
  });
});

describe('scheduler/shared: FailedScheduling message', () => {
  it('counts reasons over nodes, sorted, as upstream FitError', () => {
    const statuses = new Map([
      ['a', { code: 'Unschedulable' as const, reasons: ['Insufficient cpu'] }],
      ['b', { code: 'Unschedulable' as const, reasons: ['Insufficient cpu', 'Insufficient memory'] }],
      ['c', { code: 'UnschedulableAndUnresolvable' as const, reasons: ["node(s) didn't match Pod's node affinity/selector"] }],
    ]);
    assert.equal(fitErrorMessage(3, statuses), "0/3 nodes are available: 1 Insufficient memory, 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient cpu.");
  });
});

describe('scheduler/shared: queue updates', () => {
  it('keeps an unschedulable pod parked when only its status changed', async () => {
    const s = new SchedulingQueue({ less: prioritySortLess });
    s.add(q('p'));
    const popped = (await s.pop())!;
    s.addUnschedulable(popped, s.schedulingCycle);
    s.add(q('p'), false);
    assert.deepEqual(s.sizes, { active: 0, backoff: 0, unschedulable: 1 });
  });
});
