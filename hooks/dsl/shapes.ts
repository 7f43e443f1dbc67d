/**
 * Hook point shapes: how the DSL reads the arguments of a hook point and applies an outcome to it.
 * The DSL taps a point BY NAME (server.hookIndex) once a shape is declared for it; declaring a shape
 * is all it takes to make a new hook point tappable (`declareHookShape` below; built-in shapes in
 * shapes-builtin.ts). A shape never changes the DSL: it turns the tap's arguments into CEL
 * variables (and the resource the match rules see), and the combined verdict into the tap's effect.
 */
import type { Server } from '../../core/server/server';
import type { CelBudget } from '../../core/api/cel';
import type { HookInput } from './evaluate';
import type { Json } from './types';

/** The combined verdict of every hook of one point for one call. */
export interface Outcome {
  /** the first denial (hook name, message, Status reason) */
  deny?: { hook: string; message: string; reason: string };
  warnings: string[];
  /** audit annotations, keys already prefixed `<hook>.hooks.k8ts.dev/` */
  audit: Record<string, string>;
  /** the object after all mutations, when one changed it */
  object?: Json;
}

export interface HookShape {
  /** dotted hook point name (`api.validatingAdmission`, `controllers.reconcile`, `scheduler.filter`) */
  readonly point: string;
  /** what the CEL variables are (for docs and `k8ts hooks list`) */
  readonly variables: readonly string[];
  /** may hooks at this point mutate (mutations, script patches) */
  readonly mutable: boolean;
  /** what a denial does at this point (docs) */
  readonly denyMeans: string;
  /** a synchronous hook point (SyncHook, SyncBailHook): hooks may not use params, namespaceSelector or scripts there */
  readonly sync?: boolean;
  /** tapable stage of the DSL's tap (default 0) */
  readonly stage?: number;
  /** the input for one call, or undefined when hooks never apply to it (exemptions) */
  input(server: Server, args: readonly unknown[]): Promise<HookInput | undefined> | HookInput | undefined;
  /** for sync points: the same, synchronously */
  inputSync?(server: Server, args: readonly unknown[]): HookInput | undefined;
  /** the per-call CEL budget (shared by every hook of the call, e.g. per request) */
  budget(args: readonly unknown[]): CelBudget;
  /** apply the outcome; the value returned is the tap's return value (a bail hook's answer) */
  apply(server: Server, args: readonly unknown[], outcome: Outcome): unknown;
}

const shapes = new Map<string, HookShape>();

/** Declare (or replace) the shape of a hook point. Call before the server's plugins are applied (at import time). */
export function declareHookShape(shape: HookShape): void {
  shapes.set(shape.point, Object.freeze({ ...shape }));
}

export function hookShape(point: string): HookShape | undefined {
  return shapes.get(point);
}

export function hookShapes(): HookShape[] {
  return [...shapes.values()].sort((a, b) => a.point.localeCompare(b.point));
}
