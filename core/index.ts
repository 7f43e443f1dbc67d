/** The public API for plugins (built-in and drop-in): `require('k8ts')`. */
export { definePlugin, type PluginDefinition } from './plugin/define';
export { defineComponentHooks } from './server/hook-index';
export * as stages from '../hooks/stages';
export { FilterStage, HandlerStage, LifecycleStage, RespondedStage } from '../hooks/stages';
export { statusError, failure, success, StatusError, type Status, type StatusReason } from './api/status';
export type { Server } from './server/server';
export type { RequestContext, ApiResponse, Handler } from './pipeline/types';
