/**
 * The status writer: for every hook served through the API, `status.active` (loaded and tapping
 * its point), `status.lastError` (why it is not active, or the last runtime error),
 * `status.observedGeneration` and a `Ready` condition, written through the /status subresource
 * (merge patch, in-process as the loopback identity) when they change, debounced.
 */
import type { Server } from '../../core/server/server';
import type { ApiSource } from './api-source';
import type { HookSet } from './hook-set';
import { HOOKS_API_VERSION, HOOKS_PLURAL, type Json } from './types';

export class StatusWriter {
  private readonly runtimeErrors = new Map<string, string>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly server: Server,
    private readonly set: HookSet,
    private readonly api: ApiSource,
    private readonly delayMs = 200,
  ) {}

  /** a runtime error of an API hook (kept until it evaluates without error again) */
  error(name: string, error: string): void {
    if (this.runtimeErrors.get(name) === error) return;
    this.runtimeErrors.set(name, error);
    this.schedule();
  }

  ok(name: string): void {
    if (this.runtimeErrors.delete(name)) this.schedule();
  }

  schedule(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flush().catch((err) => this.server.logger.warn({ err }, 'hooks: status write failed'));
    }, this.delayMs);
    this.timer.unref();
  }

  /** The status each API hook should have. */
  desired(): Map<string, Json> {
    const out = new Map<string, Json>();
    const active = new Set(this.set.all().filter((h) => h.source.type === 'api').map((h) => h.name));
    const rejected = new Map(this.set.rejected().filter((r) => r.source.type === 'api').map((r) => [r.name, r.error]));
    for (const [name, obj] of this.api.objects) {
      const isActive = active.has(name);
      const lastError = rejected.get(name) ?? this.runtimeErrors.get(name) ?? '';
      out.set(name, { active: isActive, lastError, observedGeneration: obj.metadata.generation ?? 0 });
    }
    return out;
  }

  async flush(): Promise<void> {
    for (const [name, want] of this.desired()) {
      const obj = this.api.objects.get(name);
      const have = (obj?.status ?? {}) as Json;
      if (have.active === want.active && (have.lastError ?? '') === want.lastError && have.observedGeneration === want.observedGeneration) continue;
      const ready = { type: 'Ready', status: want.active && !want.lastError ? 'True' : 'False', reason: want.active ? (want.lastError ? 'RuntimeError' : 'Active') : 'Rejected', message: want.lastError, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
      const res = await this.server.inject({
        method: 'PATCH',
        url: `/apis/${HOOKS_API_VERSION}/${HOOKS_PLURAL}/${encodeURIComponent(name)}/status`,
        headers: { 'Content-Type': 'application/merge-patch+json' },
        body: { status: { ...want, conditions: [ready] } },
      });
      if (res.status >= 400 && res.status !== 404 && res.status !== 409) this.server.logger.warn({ name, status: res.status }, 'hooks: status write refused');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.flushing;
  }
}
