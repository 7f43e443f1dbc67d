/**
 * The current hooks as data: sources (the API, each hookDirs file) put their validated hooks here,
 * the DSL's long-lived taps read `forPoint(name)` on every call. Nothing is tapped or untapped when
 * hooks come and go. Problems (a file that does not parse, a hook that does not compile, runtime
 * errors) are kept per hook/source for `k8ts hooks list` and the status writer.
 */
import { validateHook } from './validate';
import { formatFieldError } from '../../core/api/field-errors';
import { hookPointOf, type HookObject, type HookSource, type LoadedHook } from './types';

export interface Rejected {
  name: string;
  source: HookSource;
  error: string;
}

export class HookSet {
  private readonly bySource = new Map<string, { hooks: LoadedHook[]; rejected: Rejected[] }>();
  private byPoint?: Map<string, LoadedHook[]>;
  /** called after every change (the status writer listens) */
  onChange?: () => void;

  constructor(private readonly knownPoints?: () => ReadonlySet<string>) {}

  /** Validate and load objects under one source key (replacing what that key held). */
  set(key: string, source: HookSource, objects: unknown[], extraRejected: Rejected[] = []): void {
    const hooks: LoadedHook[] = [];
    const rejected = [...extraRejected];
    for (const obj of objects) {
      const o = obj as HookObject;
      const name = String(o?.metadata?.name ?? '<unnamed>');
      const errors = validateHook(obj, this.knownPoints?.());
      if (errors.length) rejected.push({ name, source, error: errors.map(formatFieldError).join('; ') });
      else hooks.push({ name, point: hookPointOf(o.spec), spec: o.spec, source, generation: o.metadata.generation });
    }
    if (hooks.length || rejected.length) this.bySource.set(key, { hooks, rejected });
    else this.bySource.delete(key);
    this.byPoint = undefined;
    this.onChange?.();
  }

  delete(key: string): void {
    if (this.bySource.delete(key)) {
      this.byPoint = undefined;
      this.onChange?.();
    }
  }

  /** Remove every key with this prefix (a reloaded directory). */
  deletePrefix(prefix: string): void {
    for (const k of [...this.bySource.keys()]) if (k.startsWith(prefix)) this.bySource.delete(k);
    this.byPoint = undefined;
  }

  /** The hooks of a point, in name order. */
  forPoint(point: string): readonly LoadedHook[] {
    if (!this.byPoint) {
      const m = new Map<string, LoadedHook[]>();
      for (const { hooks } of this.bySource.values()) for (const h of hooks) m.set(h.point, [...(m.get(h.point) ?? []), h]);
      for (const list of m.values()) list.sort((a, b) => a.name.localeCompare(b.name));
      this.byPoint = m;
    }
    return this.byPoint.get(point) ?? [];
  }

  all(): LoadedHook[] {
    return [...this.bySource.values()].flatMap((s) => s.hooks).sort((a, b) => a.name.localeCompare(b.name));
  }

  rejected(): Rejected[] {
    return [...this.bySource.values()].flatMap((s) => s.rejected);
  }
}
