/**
 * The quota controller: keeps every ResourceQuota's status.hard (= spec.hard) and status.used
 * current. A storage watch of the whole key space schedules a recount of a namespace that has
 * quotas whenever something in it changes (debounced); a periodic resync recounts everything.
 * Status is written through the API (PUT .../resourcequotas/<name>/status, loopback identity); a
 * 409 is left to the next round.
 */
import type { Server } from '../../../core/server/server';
import type { Watcher } from '../../../core/storage/types';
import { isRecord, listObjects, type Json } from '../shared/admission';
import { formatQuantity, type Usage } from './usage';

const DEBOUNCE_MS = 50;

function sameMap(a: unknown, b: unknown): boolean {
  const x = isRecord(a) ? a : {};
  const y = isRecord(b) ? b : {};
  const kx = Object.keys(x);
  return kx.length === Object.keys(y).length && kx.every((k) => String(x[k]) === String(y[k]));
}

export class QuotaController {
  private timer?: NodeJS.Timeout;
  private watcher?: Watcher;
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly quotaNamespaces = new Set<string>();
  private stopped = false;

  constructor(
    private readonly server: Server,
    private readonly computeUsed: (namespace: string, quota: Json) => Promise<Usage>,
    private readonly resyncMs: number,
  ) {}

  async start(): Promise<void> {
    if (!this.server.hasStorage || this.stopped) return;
    await this.syncNamespace('');
    if (this.stopped) return;
    this.watcher = this.server.storage.watch('/registry/', { fromRevision: 0 }, {
      next: (ev) => {
        const parts = ev.key.split('/');
        if (parts.includes('resourcequotas')) {
          const ns = parts[parts.indexOf('resourcequotas') + 1];
          if (ns) this.quotaNamespaces.add(ns);
        }
        for (const p of parts.slice(0, -1)) if (this.quotaNamespaces.has(p)) this.kick(p);
      },
      error: () => undefined,
    });
    this.timer = setInterval(() => void this.syncNamespace('').catch(() => undefined), this.resyncMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.watcher?.close();
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
  }

  /** Recount a namespace soon (debounced). */
  kick(namespace: string): void {
    if (this.stopped || this.pending.has(namespace)) return;
    const t = setTimeout(() => {
      this.pending.delete(namespace);
      void this.syncNamespace(namespace).catch(() => undefined);
    }, DEBOUNCE_MS);
    t.unref();
    this.pending.set(namespace, t);
  }

  /** Recount every quota of a namespace ('' = all) and write the statuses that changed. */
  async syncNamespace(namespace: string): Promise<void> {
    if (this.stopped) return;
    const quotas = (await listObjects(this.server, '', 'resourcequotas', namespace)) as Json[];
    for (const quota of quotas) {
      if (this.stopped) return;
      const ns = String(quota.metadata?.namespace ?? '');
      this.quotaNamespaces.add(ns);
      const hard: Json = isRecord(quota.spec) && isRecord(quota.spec.hard) ? quota.spec.hard : {};
      const usage = await this.computeUsed(ns, quota);
      const used: Record<string, string> = {};
      for (const k of Object.keys(hard)) used[k] = formatQuantity(k, usage[k] ?? 0);
      const status: Json = isRecord(quota.status) ? quota.status : {};
      if (sameMap(status.hard, hard) && sameMap(status.used, used)) continue;
      const body = { ...quota, status: { hard, used } };
      await this.server.inject({ method: 'PUT', url: `/api/v1/namespaces/${encodeURIComponent(ns)}/resourcequotas/${encodeURIComponent(String(quota.metadata.name))}/status`, body });
    }
  }
}
