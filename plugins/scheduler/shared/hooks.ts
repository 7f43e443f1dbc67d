/**
 * The scheduler's hooks (owner `scheduler`): the scheduling framework's extension points as
 * component-owned tapable hooks in one frozen record. Framework plugins (defineSchedulerPlugin) tap
 * them under their own name; the framework runs the taps itself, in stage order, so that each
 * profile runs only the plugins it enables (with score weights). A tap whose name is not a
 * registered scheduler plugin (a hooks-DSL document, an ad-hoc tap) runs in every profile.
 *
 * Arguments are plain data: the pod as the API returns it, a NodeInfo (node object, labels,
 * taints, allocatable/requested resources, pods), a CycleState for per-attempt scratch data.
 */
import { AsyncSeriesBailHook, SyncBailHook, SyncHook } from 'tapable';
import { defineComponentHooks } from '../../../core/server/hook-index';
import type { CycleState, NodeInfo, NodeScore, PluginStatus, Pod, PostFilterResult, QueuedPodInfo } from './types';

export const getSchedulerHooks = defineComponentHooks('scheduler', () => ({
  /** order of the active queue: true when `podA` goes before `podB` (the first tap enabled in the profile decides) */
  queueSort: new SyncBailHook<[QueuedPodInfo, QueuedPodInfo], boolean | undefined>(['podA', 'podB']),
  /** once per attempt before filtering: compute state, narrow `state.preFilterNodeNames`, or reject the pod */
  preFilter: new SyncBailHook<[Pod, CycleState, readonly NodeInfo[]], PluginStatus | undefined>(['pod', 'state', 'nodes']),
  /** per node: undefined = fits, or an Unschedulable status with reasons */
  filter: new SyncBailHook<[Pod, NodeInfo, CycleState], PluginStatus | undefined>(['pod', 'nodeInfo', 'state']),
  /** no node fits: try to make room (preemption); returns the nominated node */
  postFilter: new AsyncSeriesBailHook<[Pod, CycleState, Map<string, PluginStatus>], PostFilterResult | undefined>(['pod', 'state', 'filteredNodeStatuses']),
  /** once per attempt before scoring, with the feasible nodes */
  preScore: new SyncBailHook<[Pod, CycleState, readonly NodeInfo[]], PluginStatus | undefined>(['pod', 'state', 'nodes']),
  /** per feasible node: a score 0..100 (weighted by the profile) */
  score: new SyncBailHook<[Pod, NodeInfo, CycleState], number | undefined>(['pod', 'nodeInfo', 'state']),
  /** per plugin after scoring: rewrite the plugin's scores in place (0..100); the tap with the score plugin's name runs */
  normalizeScore: new SyncBailHook<[Pod, NodeScore[], CycleState], undefined>(['pod', 'scores', 'state']),
  /** the pod is assumed on `nodeName`; a status here un-assumes it */
  reserve: new SyncBailHook<[Pod, string, CycleState], PluginStatus | undefined>(['pod', 'nodeName', 'state']),
  /** binding cycle: allow (undefined) or reject */
  permit: new AsyncSeriesBailHook<[Pod, string, CycleState], PluginStatus | undefined>(['pod', 'nodeName', 'state']),
  /** binding cycle: before bind (volumes...) */
  preBind: new AsyncSeriesBailHook<[Pod, string, CycleState], PluginStatus | undefined>(['pod', 'nodeName', 'state']),
  /** binding cycle: the first binder that does not return Skip binds the pod */
  bind: new AsyncSeriesBailHook<[Pod, string, CycleState], PluginStatus | undefined>(['pod', 'nodeName', 'state']),
  /** after a successful bind (informational) */
  postBind: new SyncHook<[Pod, string, CycleState]>(['pod', 'nodeName', 'state']),
}));

export type SchedulerHooks = ReturnType<typeof getSchedulerHooks>;

/** The extension points, in the order a pod meets them. */
export const EXTENSION_POINTS = ['queueSort', 'preFilter', 'filter', 'postFilter', 'preScore', 'score', 'reserve', 'permit', 'preBind', 'bind', 'postBind'] as const;
export type ExtensionPoint = (typeof EXTENSION_POINTS)[number];
