/**
 * The service network: the cluster IP range and the node port range, and who holds which address.
 *
 * Allocations are tracked from storage, as Kubernetes' repair loops do: at start the services are
 * listed, then a storage watch keeps the holders current (creates, type changes and deletes made
 * by any apiserver sharing the storage). An address handed out by a create is held as a pending
 * reservation until the watch sees it stored, or released after RESERVATION_TTL_MS if the create
 * never landed (validation failed, dry run), so two creates never get the same address.
 */
import type { KObject } from '../../../../core/registry/types';
import type { Watcher } from '../../../../core/storage/types';
import { isRecord, recs, str, type Json } from '../../shared/object';

export const RESERVATION_TTL_MS = 60_000;

export function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

export function intToIPv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export interface Cidr {
  text: string;
  base: number;
  size: number;
}

export function parseCidr(text: string): Cidr {
  const [ip, bitsText] = text.split('/');
  const addr = ipv4ToInt(ip ?? '');
  const bits = Number(bitsText);
  if (addr === undefined || !Number.isInteger(bits) || bits < 1 || bits > 30) {
    throw new Error(`serviceClusterIPRange: ${JSON.stringify(text)} is not an IPv4 CIDR with a prefix of /1 to /30`);
  }
  const size = 2 ** (32 - bits);
  return { text, base: addr - (addr % size), size };
}

export function parsePortRange(text: string): { min: number; max: number } {
  const m = /^(\d+)-(\d+)$/.exec(text);
  const min = m ? Number(m[1]) : NaN;
  const max = m ? Number(m[2]) : NaN;
  if (!m || min < 1 || max > 65535 || min > max) throw new Error(`nodePortRange: ${JSON.stringify(text)} is not a port range like 30000-32767`);
  return { min, max };
}

interface Holder {
  /** `namespace/name` of the service holding it */
  owner: string;
  /** pending reservations expire; confirmed (stored) holders do not */
  expires?: number;
}

/** A pool of small integers (IP offsets or ports) with holders. */
class Pool {
  private readonly held = new Map<number, Holder>();
  constructor(
    private readonly first: number,
    private readonly last: number,
    /** preferred (dynamic) sub-range start; values below it are only used when the rest is full */
    private readonly dynamicFrom: number,
  ) {}

  inRange(v: number): boolean {
    return v >= this.first && v <= this.last;
  }

  holder(v: number, now = Date.now()): Holder | undefined {
    const h = this.held.get(v);
    if (h?.expires !== undefined && h.expires <= now) {
      this.held.delete(v);
      return undefined;
    }
    return h;
  }

  /** Hold `v` for `owner`; false when someone else holds it. */
  claim(v: number, owner: string, pending: boolean): boolean {
    const h = this.holder(v);
    if (h && h.owner !== owner) return false;
    if (!h || !pending) this.held.set(v, { owner, expires: pending ? Date.now() + RESERVATION_TTL_MS : undefined });
    return true;
  }

  confirm(v: number, owner: string): void {
    this.held.set(v, { owner });
  }

  release(v: number, owner: string): void {
    if (this.held.get(v)?.owner === owner) this.held.delete(v);
  }

  /** A free value, random in the dynamic band first, undefined when exhausted. */
  next(): number | undefined {
    return this.scan(this.dynamicFrom, this.last) ?? this.scan(this.first, this.dynamicFrom - 1);
  }

  private scan(from: number, to: number): number | undefined {
    if (to < from) return undefined;
    const span = to - from + 1;
    const start = Math.floor(Math.random() * span);
    for (let i = 0; i < span; i++) {
      const v = from + ((start + i) % span);
      if (!this.holder(v)) return v;
    }
    return undefined;
  }

  clearConfirmed(): void {
    for (const [v, h] of this.held) if (h.expires === undefined) this.held.delete(v);
  }
}

function ownerOf(svc: KObject): string {
  return `${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;
}

/** The cluster IPs and node ports a stored service holds. */
export function serviceAddresses(svc: KObject): { ips: string[]; ports: number[] } {
  const spec: Json = isRecord(svc.spec) ? svc.spec : {};
  const ips = new Set<string>();
  for (const ip of [str(spec.clusterIP), ...(Array.isArray(spec.clusterIPs) ? spec.clusterIPs.map(String) : [])]) {
    if (ip && ip !== 'None') ips.add(ip);
  }
  const ports = new Set<number>();
  for (const p of recs(spec.ports)) if (typeof p.nodePort === 'number' && p.nodePort > 0) ports.add(p.nodePort);
  if (typeof spec.healthCheckNodePort === 'number' && spec.healthCheckNodePort > 0) ports.add(spec.healthCheckNodePort);
  return { ips: [...ips], ports: [...ports] };
}

export class ServiceNetwork {
  readonly cidr: Cidr;
  readonly nodePorts: { min: number; max: number };
  private readonly ipPool: Pool;
  private readonly portPool: Pool;
  watcher?: Watcher;

  constructor(serviceClusterIPRange: string, nodePortRange: string) {
    this.cidr = parseCidr(serviceClusterIPRange);
    this.nodePorts = parsePortRange(nodePortRange);
    // offsets 1..size-2 (no network or broadcast address); the lower band is for static IPs, as in
    // Kubernetes, and offset 1 is the `kubernetes` Service's
    const staticBand = Math.min(Math.max(16, Math.floor(this.cidr.size / 16)), 256);
    this.ipPool = new Pool(1, this.cidr.size - 2, Math.min(staticBand + 1, this.cidr.size - 2));
    const portSpan = this.nodePorts.max - this.nodePorts.min + 1;
    const portStatic = Math.min(Math.max(16, Math.floor(portSpan / 32)), 128);
    this.portPool = new Pool(this.nodePorts.min, this.nodePorts.max, Math.min(this.nodePorts.min + portStatic, this.nodePorts.max));
  }

  /** The first address of the range: the `kubernetes` Service's cluster IP. */
  get firstIP(): string {
    return intToIPv4(this.cidr.base + 1);
  }

  private offset(ip: string): number | undefined {
    const n = ipv4ToInt(ip);
    if (n === undefined) return undefined;
    const off = n - this.cidr.base;
    return off >= 0 && off < this.cidr.size ? off : undefined;
  }

  /** Allocate a free cluster IP for `owner` (a pending reservation unless dry run). */
  allocateIP(owner: string, dryRun: boolean): string | undefined {
    const off = this.ipPool.next();
    if (off === undefined) return undefined;
    if (!dryRun) this.ipPool.claim(off, owner, true);
    return intToIPv4(this.cidr.base + off);
  }

  /** Claim a requested cluster IP: the problem, or undefined when it is now held by `owner`. */
  claimIP(ip: string, owner: string, dryRun: boolean): string | undefined {
    const off = this.offset(ip);
    if (off === undefined || !this.ipPool.inRange(off)) {
      return `failed to allocate IP ${ip}: provided IP is not in the valid range. The range of valid IPs is ${this.cidr.text}`;
    }
    const h = this.ipPool.holder(off);
    if (h && h.owner !== owner) return `failed to allocate IP ${ip}: provided IP is already allocated`;
    if (!dryRun) this.ipPool.claim(off, owner, true);
    return undefined;
  }

  allocateNodePort(owner: string, dryRun: boolean): number | undefined {
    const port = this.portPool.next();
    if (port !== undefined && !dryRun) this.portPool.claim(port, owner, true);
    return port;
  }

  claimNodePort(port: number, owner: string, dryRun: boolean): string | undefined {
    if (!this.portPool.inRange(port)) {
      return `provided port is not in the valid range. The range of valid ports is ${this.nodePorts.min}-${this.nodePorts.max}`;
    }
    const h = this.portPool.holder(port);
    if (h && h.owner !== owner) return 'provided port is already allocated';
    if (!dryRun) this.portPool.claim(port, owner, true);
    return undefined;
  }

  /** A stored service was seen (list or watch): its addresses are held for good. */
  observe(svc: KObject, previous?: KObject): void {
    const owner = ownerOf(svc);
    const now = serviceAddresses(svc);
    if (previous) {
      const before = serviceAddresses(previous);
      for (const ip of before.ips) if (!now.ips.includes(ip)) this.releaseIP(ip, owner);
      for (const p of before.ports) if (!now.ports.includes(p)) this.portPool.release(p, owner);
    }
    for (const ip of now.ips) {
      const off = this.offset(ip);
      if (off !== undefined) this.ipPool.confirm(off, owner);
    }
    for (const p of now.ports) if (this.portPool.inRange(p)) this.portPool.confirm(p, owner);
  }

  /** A stored service was deleted: its addresses are free again. */
  forget(svc: KObject): void {
    const owner = ownerOf(svc);
    const { ips, ports } = serviceAddresses(svc);
    for (const ip of ips) this.releaseIP(ip, owner);
    for (const p of ports) this.portPool.release(p, owner);
  }

  /** Rebuild the stored holders from a full listing (pending reservations stay). */
  resync(services: KObject[]): void {
    this.ipPool.clearConfirmed();
    this.portPool.clearConfirmed();
    for (const s of services) this.observe(s);
  }

  private releaseIP(ip: string, owner: string): void {
    const off = this.offset(ip);
    if (off !== undefined) this.ipPool.release(off, owner);
  }
}

export function serviceOwner(svc: KObject): string {
  return ownerOf(svc);
}

const networks = new WeakMap<object, ServiceNetwork>();

/** The server's service network (set by the Service plugin; undefined when it is not enabled). */
export function getServiceNetwork(server: object): ServiceNetwork | undefined {
  return networks.get(server);
}

export function setServiceNetwork(server: object, network: ServiceNetwork): void {
  networks.set(server, network);
}
