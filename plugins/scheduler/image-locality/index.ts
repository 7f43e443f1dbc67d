/**
 * ImageLocality (preScore, score): prefers nodes that already have the pod's images
 * (node.status.images), each image's size scaled by the share of nodes that have it, mapped to
 * 0..100 between 23 MB and 1000 MB per container as upstream does.
 */
import { defineSchedulerPlugin } from '../shared/define';
import { records } from '../shared/pod';
import { MAX_NODE_SCORE, SKIP, type CycleState, type NodeInfo, type Pod } from '../shared/types';

export const PLUGIN_NAME = 'ImageLocality';
const MB = 1024 * 1024;
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;
const KEY = 'ImageLocality/spread';

/** `nginx` -> `docker.io/library/nginx:latest` (how kubelets report image names). */
export function normalizedImageName(name: string): string {
  let n = name;
  const lastSlash = n.lastIndexOf('/');
  if (!n.includes('@') && n.lastIndexOf(':') <= lastSlash) n += ':latest';
  const first = n.split('/')[0];
  if (!n.includes('/')) n = `docker.io/library/${n}`;
  else if (!first.includes('.') && !first.includes(':') && first !== 'localhost') n = `docker.io/${n}`;
  return n;
}

function images(pod: Pod): string[] {
  return [...records(pod.spec?.initContainers), ...records(pod.spec?.containers)].map((c) => String(c.image ?? '')).filter(Boolean);
}

function sizeOn(ni: NodeInfo, image: string): number | undefined {
  return ni.images.get(image) ?? ni.images.get(normalizedImageName(image));
}

export function imageLocalityScore(sumScores: number, numContainers: number): number {
  const max = MAX_CONTAINER_THRESHOLD * numContainers;
  const s = Math.min(Math.max(sumScores, MIN_THRESHOLD), max);
  return Math.floor((MAX_NODE_SCORE * (s - MIN_THRESHOLD)) / (max - MIN_THRESHOLD));
}

export default defineSchedulerPlugin({
  name: PLUGIN_NAME,
  description: 'score: nodes that have the images',
  defaultPoints: ['preScore', 'score'],
  defaultWeight: 1,
  points: () => ({
    preScore(pod: Pod, state: CycleState, nodes: readonly NodeInfo[]) {
      // nodes that report no images (simulated ones, for example) cannot score: skip the pass
      if (!nodes.some((n) => n.images.size > 0)) return SKIP;
      const imgs = images(pod);
      const spread = new Map<string, number>();
      const all = state.allNodes;
      for (const img of imgs) {
        let n = 0;
        for (const ni of all) if (ni.images.size && sizeOn(ni, img) !== undefined) n++;
        spread.set(img, all.length ? n / all.length : 0);
      }
      state.write(KEY, { imgs, spread });
      return undefined;
    },
    score(pod: Pod, ni: NodeInfo, state: CycleState): number {
      const s = state.read<{ imgs: string[]; spread: Map<string, number> }>(KEY);
      const imgs = s?.imgs ?? images(pod);
      if (ni.images.size === 0 || imgs.length === 0) return 0;
      let sum = 0;
      for (const img of imgs) {
        const size = sizeOn(ni, img);
        if (size !== undefined) sum += size * (s?.spread.get(img) ?? 1);
      }
      return imageLocalityScore(sum, imgs.length);
    },
  }),
});
