/** The aggregator area: kube-aggregator (APIService proxy, availability, merged discovery) and the Local APIServices. */
import type { PluginDefinition } from '../../core/plugin/define';
import Aggregator from './aggregator';
import AutoRegister from './autoregister';

export const aggregatorPlugins: readonly PluginDefinition<any>[] = Object.freeze([Aggregator, AutoRegister]);
