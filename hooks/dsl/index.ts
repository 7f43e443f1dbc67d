/**
 * The hooks DSL plugin (area `hooks`, `Hooks`): declarative hooks (hooks.k8ts.dev/v1alpha1 Hook)
 * from the API and from `hookDirs`, evaluated by long-lived taps on every hook point that has a
 * shape (shapes.ts; admission and controllers.reconcile built in). Hook objects are validated at
 * create/update time (422 Invalid with the compile error), get a status, and per-hook metrics.
 */
import path from 'node:path';
import { invalidError } from '../../core/api/field-errors';
import { definePlugin } from '../../core/plugin/define';
import { getApiHooks } from '../../core/registry/registry';
import type { AdmissionAttributes } from '../../core/registry/types';
import type { Server } from '../../core/server/server';
import { getMetricsRegistry } from '../../plugins/metrics/prometheus/registry';
import { versioned } from '../../plugins/admission/webhook/dispatch';
import { AdmissionStage, LifecycleStage } from '../stages';
import { ApiSource } from './api-source';
import { DirWatcher } from './dirs';
import { tapShapedPoints } from './dispatch';
import { HookSet } from './hook-set';
import { hookMetrics } from './metrics';
import { serverParams } from './params';
import { closeHookScripts, runHookScript, scriptProblem, warmHookScripts } from './script-runner';
import { ensureComponentHooks, exemptions } from './shapes-builtin';
import './shapes-scheduler';
import './shapes-kubelet';
import { hookShapes } from './shapes';
import { StatusWriter } from './status';
import { HOOKS_GROUP, HOOKS_KIND, HOOKS_PLURAL } from './types';
import { validateHook } from './validate';

export const PLUGIN_NAME = 'Hooks';

export interface HooksOptions {
  /** directories of Hook YAML files (relative to the working directory), hot-reloaded */
  hookDirs: string[];
  /** members of these groups are never subject to hooks (no lock-out) */
  exemptGroups: string[];
  /** debounce of hookDirs reloads */
  reloadDebounceMs: number;
}

/** The hook points with a shape that exist on this server (what `spec.hookPoint` may name). */
export function shapedPoints(server: Server): Set<string> {
  return new Set(hookShapes().filter((s) => server.hookIndex.get(s.point)).map((s) => s.point));
}

const state = new WeakMap<Server, { set: HookSet; tapped: string[]; dirs: string[] }>();

/** The live hook set of a server (for `k8ts hooks list` and tests). */
export function hooksOf(server: Server): { set: HookSet; tapped: string[]; dirs: string[] } | undefined {
  return state.get(server);
}

async function admitHookObject(server: Server, attrs: AdmissionAttributes): Promise<void> {
  if (attrs.resource.group !== HOOKS_GROUP || attrs.resource.resource !== HOOKS_PLURAL || attrs.subresource || !attrs.object) return;
  const obj = versioned(attrs, attrs.object);
  const errors = validateHook(obj, shapedPoints(server));
  const source = obj?.spec?.script?.source;
  if (!errors.length && typeof source === 'string') {
    const why = await scriptProblem(source).catch((err: Error) => `the script sandbox failed: ${err.message}`);
    if (why) errors.push({ type: 'FieldValueInvalid', field: 'spec.script.source', message: `Invalid value: "...": ${why}` });
  }
  if (errors.length) throw invalidError(HOOKS_KIND, HOOKS_GROUP, attrs.name, errors);
}

export default definePlugin<HooksOptions>({
  name: PLUGIN_NAME,
  area: 'hooks',
  description: 'Hooks DSL: declarative CEL hooks (hooks.k8ts.dev Hook, from the API and hookDirs) and script hooks on any shaped hook point',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      hookDirs: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
      exemptGroups: { type: 'array', items: { type: 'string', minLength: 1 }, default: ['system:masters'] },
      reloadDebounceMs: { type: 'integer', minimum: 0, default: 100 },
    },
  },
  apply(server, options) {
    exemptions.groups = new Set(options.exemptGroups);
    const set = new HookSet(() => shapedPoints(server));
    const api = new ApiSource(server, set);
    const status = new StatusWriter(server, set, api);
    const dirs = options.hookDirs.map((d) => path.resolve(d));
    const watcher = new DirWatcher(set, dirs, options.reloadDebounceMs, (dir) => server.logger.info({ dir, hooks: set.all().length }, 'hooks: reloaded'));
    const metrics = hookMetrics(getMetricsRegistry(server));
    set.onChange = () => {
      status.schedule();
      if (set.all().some((h) => h.spec.script)) warmHookScripts(); // the first call need not start the workers
    };
    const deps = {
      hooks: set,
      env: { params: serverParams(server), runScript: runHookScript },
      metrics,
      onError: (hook: { name: string; source: { type: string } }, error: string) => {
        server.logger.warn({ hook: hook.name, error }, 'hooks: evaluation error');
        if (hook.source.type === 'api') status.error(hook.name, error);
      },
      onOk: (hook: { name: string; source: { type: string } }) => {
        if (hook.source.type === 'api') status.ok(hook.name);
      },
    };
    const entry = { set, tapped: [] as string[], dirs };
    state.set(server, entry);
    ensureComponentHooks(server);
    server.hooks.afterPlugins.tap(PLUGIN_NAME, () => {
      entry.tapped = tapShapedPoints(server, PLUGIN_NAME, deps);
    });
    getApiHooks(server).validatingAdmission.tapPromise({ name: PLUGIN_NAME, stage: AdmissionStage.DEFAULT }, (attrs) => admitHookObject(server, attrs));
    api.install();
    server.hooks.initialize.tapPromise({ name: PLUGIN_NAME, stage: LifecycleStage.COMPONENTS }, async () => {
      watcher.start();
      await api.sync();
    });
    server.hooks.preShutdown.tapPromise(PLUGIN_NAME, async () => {
      watcher.stop();
      api.stop();
      await status.stop();
      await closeHookScripts();
    });
  },
});
