/** DefaultBinder (bind): POST pods/binding with the chosen node, through the scheduler's client. */
import { defineSchedulerPlugin } from '../shared/define';
import { getScheduler } from '../scheduler';
import type { Pod } from '../shared/types';

export const PLUGIN_NAME = 'DefaultBinder';

export default defineSchedulerPlugin({
  name: PLUGIN_NAME,
  description: 'bind: the pods/binding subresource',
  defaultPoints: ['bind'],
  points: (server) => ({
    async bind(pod: Pod, nodeName: string) {
      const s = getScheduler(server);
      if (!s) return { code: 'Error', reasons: ['the scheduler is not running'] };
      const ns = encodeURIComponent(pod.metadata?.namespace ?? 'default');
      const name = encodeURIComponent(pod.metadata?.name ?? '');
      await s.writer.request({
        method: 'POST',
        path: `/api/v1/namespaces/${ns}/pods/${name}/binding`,
        body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: pod.metadata?.name, namespace: pod.metadata?.namespace, uid: pod.metadata?.uid }, target: { apiVersion: 'v1', kind: 'Node', name: nodeName } },
      });
      return undefined;
    },
  }),
});
