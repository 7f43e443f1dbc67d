/**
 * The public API for scheduler plugin authors (drop-ins): `require('k8ts/scheduler')`.
 * `defineSchedulerPlugin({ name, defaultPoints, defaultWeight, points })` declares a framework
 * plugin of area `scheduler`; the status helpers and types describe what its taps return.
 */
export { defineSchedulerPlugin, type SchedulerPluginPoints, type SchedulerPluginSpec } from './shared/define';
export { getSchedulerHooks, EXTENSION_POINTS, type ExtensionPoint } from './shared/hooks';
export { CycleState, MAX_NODE_SCORE, SKIP, unresolvable, unschedulable, type NodeInfo, type NodeScore, type PluginStatus, type Pod, type PodInfo, type QueuedPodInfo } from './shared/types';
export { defaultNormalizeScore, podRequests, tolerates, matchNodeSelector } from './shared/pod';
