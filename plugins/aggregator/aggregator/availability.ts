/**
 * The availability controller (kube-aggregator's AvailableConditionController) and the discovery
 * of aggregated groups in one loop: each APIService is looked at when it changes, when a proxied
 * request to it failed, and every `probeIntervalSeconds`. Local ones are Available (reason Local);
 * for the others the Service must exist and listen on the port (ServiceNotFound,
 * ServicePortError), have a ready endpoint (MissingEndpoints), and `/apis/<group>/<version>` on
 * that endpoint must answer 2xx (FailedDiscoveryCheck, else Passed). The APIResourceList it
 * answered is kept as the group-version's discovery document (Stale while unavailable).
 */
import https from 'node:https';
import { inProcessClient, type Client } from '../../../core/client';
import type { KeyPairPem } from '../../../core/http/pki';
import type { Server } from '../../../core/server/server';
import type { ExternalGroup } from '../../apiserver/discovery/documents';
import { APIServiceIndex, GROUP, type APIServiceView } from './apiservices';
import { EndpointError, resolveEndpoint } from './endpoints';
import { REQUEST_HEADERS } from './proxy';

const GVR = { group: GROUP, version: 'v1', resource: 'apiservices' };
/** the identity of the discovery checks (kube-aggregator's own) */
const PROBE_USER = 'system:kube-aggregator';

interface Condition {
  type: 'Available';
  status: 'True' | 'False';
  reason: string;
  message: string;
}

interface Discovered {
  resources: Record<string, unknown>[];
  current: boolean;
  /** the backend's /openapi/v3/apis/<group>/<version>, when it serves one */
  openapi?: Buffer;
}

export class AvailabilityController {
  private readonly pending = new Set<string>();
  private readonly discovered = new Map<string, Discovered>();
  private running = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private readonly client: Client;

  constructor(
    private readonly server: Server,
    private readonly index: APIServiceIndex,
    private readonly frontProxy: () => KeyPairPem | undefined,
    private readonly probeIntervalMs: number,
    private readonly probeTimeoutMs: number,
    /** the aggregated discovery changed */
    private readonly onDiscoveryChanged: () => void,
    /** the aggregated OpenAPI documents changed */
    private readonly onOpenApiChanged: () => void = () => undefined,
  ) {
    this.client = inProcessClient(server);
    index.onChange((name) => {
      // an APIService with a Service appeared, changed or went: the documents list it from the index
      if (this.index.byNameOf(name)?.service || this.discovered.has(name)) this.onDiscoveryChanged();
      this.enqueue(name);
    });
  }

  start(): void {
    for (const s of this.index.all()) this.enqueue(s.name);
    this.timer = setInterval(() => {
      for (const s of this.index.all()) this.enqueue(s.name);
    }, this.probeIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** look at this APIService again soon */
  enqueue(name: string): void {
    if (this.stopped) return;
    this.pending.add(name);
    if (!this.running) void this.drain();
  }

  /** The groups served by APIServices with a service, for discovery (group and version priority order). */
  externalGroups(): ExternalGroup[] {
    const remote = this.index.all().filter((s) => s.service);
    const byGroup = new Map<string, APIServiceView[]>();
    for (const s of remote) byGroup.set(s.group, [...(byGroup.get(s.group) ?? []), s]);
    const groups = [...byGroup.entries()].map(([name, services]) => {
      services.sort((a, b) => b.versionPriority - a.versionPriority || a.version.localeCompare(b.version));
      return {
        name,
        priority: Math.max(...services.map((s) => s.groupPriorityMinimum)),
        versions: services.map((s) => {
          const d = this.discovered.get(s.name);
          return { version: s.version, resources: d?.resources ?? [], freshness: d?.current ? ('Current' as const) : ('Stale' as const) };
        }),
      };
    });
    groups.sort((a, b) => b.priority - a.priority || a.name.localeCompare(b.name));
    return groups.map(({ name, versions }) => ({ name, versions }));
  }

  /** The OpenAPI v3 documents of available group-versions, by key `apis/<group>/<version>`. */
  openApiDocuments(): Map<string, Buffer> {
    const out = new Map<string, Buffer>();
    for (const s of this.index.all()) {
      const d = this.discovered.get(s.name);
      if (s.service && d?.current && d.openapi) out.set(`apis/${s.group}/${s.version}`, d.openapi);
    }
    return out;
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.pending.size > 0 && !this.stopped) {
        const name = this.pending.values().next().value as string;
        this.pending.delete(name);
        const svc = this.index.byNameOf(name);
        if (!svc) {
          this.discovered.delete(name);
          continue;
        }
        try {
          await this.sync(svc);
        } catch (err) {
          this.server.logger.debug({ err, apiservice: name }, 'Aggregator: availability check failed');
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async sync(svc: APIServiceView): Promise<void> {
    const cond = svc.service ? await this.probe(svc) : { type: 'Available' as const, status: 'True' as const, reason: 'Local', message: 'Local APIServices are always available' };
    await this.writeCondition(svc, cond);
  }

  private async probe(svc: APIServiceView): Promise<Condition> {
    const ref = svc.service!;
    const failed = (reason: string, message: string): Condition => {
      this.markStale(svc.name);
      return { type: 'Available', status: 'False', reason, message };
    };
    let endpoint;
    try {
      endpoint = await resolveEndpoint(this.server, ref);
    } catch (err) {
      if (err instanceof EndpointError) return failed(err.reason, err.message);
      throw err;
    }
    const client = this.frontProxy();
    const base = `https://${endpoint.host}:${endpoint.port}`;
    const url = `${base}/apis/${svc.group}/${svc.version}`;
    const options: GetOptions = {
      ca: svc.caBundle ? Buffer.from(svc.caBundle, 'base64').toString('utf8') : undefined,
      rejectUnauthorized: !svc.insecureSkipTLSVerify,
      servername: `${ref.name}.${ref.namespace}.svc`,
      cert: client?.cert,
      key: client?.key,
      timeoutMs: this.probeTimeoutMs,
    };
    try {
      const body = JSON.parse((await getBytes(url, options)).toString('utf8')) as Record<string, unknown>;
      const resources = Array.isArray(body.resources) ? (body.resources as Record<string, unknown>[]) : [];
      // its OpenAPI document is best effort: a backend without one is still available
      const openapi = await getBytes(`${base}/openapi/v3/apis/${svc.group}/${svc.version}`, options).catch(() => undefined);
      const before = this.discovered.get(svc.name);
      const wasCurrent = before?.current === true;
      if (!before || !wasCurrent || JSON.stringify(before.resources) !== JSON.stringify(resources)) {
        this.discovered.set(svc.name, { resources, current: true, openapi });
        this.onDiscoveryChanged();
        this.onOpenApiChanged();
      } else if (!sameBytes(before.openapi, openapi)) {
        before.openapi = openapi;
        this.onOpenApiChanged();
      }
      return { type: 'Available', status: 'True', reason: 'Passed', message: 'all checks passed' };
    } catch (err) {
      return failed('FailedDiscoveryCheck', `failing or missing response from ${url}: ${(err as Error).message}`);
    }
  }

  private markStale(name: string): void {
    const d = this.discovered.get(name);
    if (d?.current) {
      d.current = false;
      this.onDiscoveryChanged();
      if (d.openapi) this.onOpenApiChanged();
    } else if (!d) {
      this.discovered.set(name, { resources: [], current: false });
      this.onDiscoveryChanged();
    }
  }

  private async writeCondition(svc: APIServiceView, cond: Condition): Promise<void> {
    const obj = structuredClone(svc.obj);
    const status = (obj.status ?? {}) as Record<string, unknown>;
    const conditions = Array.isArray(status.conditions) ? (status.conditions as Record<string, unknown>[]) : [];
    const old = conditions.find((c) => c.type === 'Available');
    if (old && old.status === cond.status && old.reason === cond.reason && old.message === cond.message) return;
    const next = { ...cond, lastTransitionTime: old && old.status === cond.status ? old.lastTransitionTime : new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
    status.conditions = [...conditions.filter((c) => c.type !== 'Available'), next];
    obj.status = status;
    try {
      await this.client.updateStatus(GVR, obj);
    } catch (err) {
      // a newer version arrives through the index and is looked at again
      this.server.logger.debug({ err, apiservice: svc.name }, 'Aggregator: status update failed');
    }
  }
}

interface GetOptions {
  ca?: string;
  rejectUnauthorized: boolean;
  servername: string;
  cert?: string;
  key?: string;
  timeoutMs: number;
}

function sameBytes(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a === b || (!!a && !!b && a.equals(b));
}

/** GET a JSON object over a fresh HTTPS connection (its bytes); rejects on non-2xx, bad JSON or the timeout. */
function getBytes(url: string, o: GetOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: 'GET',
        agent: false,
        ca: o.ca,
        rejectUnauthorized: o.rejectUnauthorized,
        servername: o.servername,
        cert: o.cert,
        key: o.key,
        headers: { accept: 'application/json', [REQUEST_HEADERS.user]: PROBE_USER, [REQUEST_HEADERS.group]: ['system:masters', 'system:authenticated'] },
        timeout: o.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const code = res.statusCode ?? 0;
          if (code < 200 || code >= 300) return reject(new Error(`bad status from ${url}: ${code}`));
          try {
            const bytes = Buffer.concat(chunks);
            const parsed = JSON.parse(bytes.toString('utf8')) as unknown;
            if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
            resolve(bytes);
          } catch (err) {
            reject(new Error(`could not decode the response: ${(err as Error).message}`));
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('Client.Timeout exceeded while awaiting headers')));
    req.on('error', reject);
    req.end();
  });
}
