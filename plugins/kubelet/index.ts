/** The kubelet area: the component and its runtimes (each its own plugin). */
import type { PluginDefinition } from '../../core/plugin/define';
import Kubelet from './kubelet';
import SimulatedRuntime from './simulated';

export const kubeletPlugins: readonly PluginDefinition<any>[] = Object.freeze([Kubelet, SimulatedRuntime]);
