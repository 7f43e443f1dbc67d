/** PrioritySort (queueSort): higher `spec.priority` first, then the pod queued earlier. */
import { defineSchedulerPlugin } from '../shared/define';
import type { QueuedPodInfo } from '../shared/types';

export const PLUGIN_NAME = 'PrioritySort';

export function prioritySortLess(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
  return a.priority > b.priority || (a.priority === b.priority && a.timestamp < b.timestamp);
}

export default defineSchedulerPlugin({
  name: PLUGIN_NAME,
  description: 'queue order: priority, then time queued',
  defaultPoints: ['queueSort'],
  points: () => ({ queueSort: prioritySortLess }),
});
