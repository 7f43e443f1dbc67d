/** The public API for plugins (built-in and drop-in): `require('k8ts')`. */
export { definePlugin, type PluginDefinition } from './plugin/define';
export { defineComponentHooks } from './server/hook-index';
export * as stages from '../hooks/stages';
export { FilterStage, HandlerStage, LifecycleStage, RespondedStage } from '../hooks/stages';
export { statusError, failure, success, StatusError, type Status, type StatusReason } from './api/status';
export type { Server } from './server/server';
export type { RequestContext, ApiResponse, Handler } from './pipeline/types';
// API machinery: the resource registry, its hooks, and the generic store other plugins use
export { getResourceRegistry, getApiHooks, type RegisteredResource, type DecodeInfo } from './registry/registry';
export type { KObject, ObjectMeta, FieldError, ResourceDefinition, AdmissionAttributes, TablePrinter, TableColumn } from './registry/types';
export { getStore, type Store } from './registry/store';
export { createObject, updateObject, type WriteContext } from './registry/store-write';
export { deleteObject, deleteCollection, enableGarbageCollectorFinalizers } from './registry/store-delete';
export { invalidError, fieldInvalid, fieldRequired, fieldForbidden, fieldNotSupported } from './api/field-errors';
export { parseLabelSelector, parseFieldSelector, labelSelectorFromObject } from './api/selectors';
export { humanDuration, age, NAME_COLUMN } from './api/table';
