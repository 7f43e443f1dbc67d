/**
 * Health checks behind /healthz, /livez and /readyz. Each check throws (or rejects) when unhealthy.
 * The Server adds `ping`, one `poststarthook/<name>` per postStart tap, and `shutdown` (readyz).
 */
export type HealthEndpoint = 'healthz' | 'livez' | 'readyz';
export type HealthCheck = () => void | Promise<void>;

export interface HealthResult {
  name: string;
  ok: boolean;
  error?: string;
}

const ALL: readonly HealthEndpoint[] = ['healthz', 'livez', 'readyz'];

export class HealthChecks {
  private readonly checks = new Map<string, { endpoints: readonly HealthEndpoint[]; check: HealthCheck }>();

  /** add a check to the endpoints it belongs to (default all three) */
  add(name: string, check: HealthCheck, endpoints: readonly HealthEndpoint[] = ALL): void {
    if (this.checks.has(name)) throw new Error(`health check ${name} is registered twice`);
    this.checks.set(name, { endpoints, check });
  }

  names(endpoint: HealthEndpoint): string[] {
    return [...this.checks].filter(([, c]) => c.endpoints.includes(endpoint)).map(([n]) => n);
  }

  /** run the endpoint's checks (all, or only `only`), skipping `exclude` */
  async run(endpoint: HealthEndpoint, opts: { only?: string; exclude?: readonly string[] } = {}): Promise<HealthResult[]> {
    const names = this.names(endpoint).filter((n) => (opts.only ? n === opts.only : !opts.exclude?.includes(n)));
    return Promise.all(
      names.map(async (name) => {
        try {
          await this.checks.get(name)!.check();
          return { name, ok: true };
        } catch (err) {
          return { name, ok: false, error: err instanceof Error ? err.message : String(err) };
        }
      }),
    );
  }
}
