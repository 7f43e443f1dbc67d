/**
 * The scheduler area: the Scheduler component and the framework plugins (enabled by default, in
 * the order upstream's default profile lists them). plugins/index.ts spreads this list into the
 * catalogue; profiles (top-level `scheduler:`) choose which run at which extension point.
 */
import type { PluginDefinition } from '../../core/plugin/define';
import Scheduler from './scheduler';
import PrioritySort from './priority-sort';
import NodeUnschedulable from './node-unschedulable';
import NodeName from './node-name';
import TaintToleration from './taint-toleration';
import NodeAffinity from './node-affinity';
import NodePorts from './node-ports';
import NodeResourcesFit from './node-resources-fit';
import VolumeRestrictions from './volume-restrictions';
import InterPodAffinity from './inter-pod-affinity';
import PodTopologySpread from './pod-topology-spread';
import NodeResourcesBalancedAllocation from './node-resources-balanced-allocation';
import ImageLocality from './image-locality';
import DefaultPreemption from './default-preemption';
import DefaultBinder from './default-binder';

export const schedulerPlugins: readonly PluginDefinition<any>[] = Object.freeze([
  Scheduler,
  PrioritySort,
  NodeUnschedulable,
  NodeName,
  TaintToleration,
  NodeAffinity,
  NodePorts,
  NodeResourcesFit,
  VolumeRestrictions,
  InterPodAffinity,
  PodTopologySpread,
  NodeResourcesBalancedAllocation,
  ImageLocality,
  DefaultPreemption,
  DefaultBinder,
]);
