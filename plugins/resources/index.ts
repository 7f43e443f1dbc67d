/**
 * The built-in resources (area `resources`): one plugin per Kubernetes kind. plugins/index.ts
 * spreads this list into the catalogue.
 */
import type { PluginDefinition } from '../../core/plugin/define';
import Namespace from './core/namespaces';
import Pod from './core/pods';
import Service from './core/services';

export const resourcePlugins: readonly PluginDefinition<any>[] = Object.freeze([Namespace, Pod, Service]);
