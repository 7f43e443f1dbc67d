/**
 * The catalogue of built-in plugins. Registration order is irrelevant for behaviour (stages order
 * the taps); it is the default order within an area.
 */
import type { PluginDefinition } from '../core/plugin/define';
import Healthz from './apiserver/healthz';
import Version from './apiserver/version';
import Prometheus from './metrics/prometheus';

export const builtinPlugins: readonly PluginDefinition<any>[] = Object.freeze([Healthz, Version, Prometheus]);
