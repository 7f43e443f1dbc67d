/**
 * Pod IPs of one node from its pod CIDR (IPv4), as a host-local IPAM would hand them out: .1 is the
 * gateway, addresses are taken round-robin and given back when the pod ends or goes away.
 */
export class NodeIpam {
  private readonly base: number;
  private readonly size: number;
  private readonly byKey = new Map<string, string>();
  private readonly used = new Set<number>();
  private cursor = 2;

  constructor(readonly cidr: string) {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
    if (!m) throw new Error(`pod CIDR ${cidr}: only IPv4 CIDRs are supported`);
    const prefix = Number(m[5]);
    this.size = 2 ** (32 - Math.min(30, Math.max(8, prefix)));
    this.base = ((Number(m[1]) << 24) >>> 0) + (Number(m[2]) << 16) + (Number(m[3]) << 8) + Number(m[4]);
    this.base -= this.base % this.size;
  }

  private ip(offset: number): string {
    const n = this.base + offset;
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }

  get allocated(): number {
    return this.byKey.size;
  }

  /** The pod's address (the one it has, else a free one); undefined when the range is full. */
  allocate(key: string): string | undefined {
    const have = this.byKey.get(key);
    if (have) return have;
    const span = this.size - 3; // network, gateway, broadcast
    for (let i = 0; i < span; i++) {
      const offset = 2 + ((this.cursor - 2 + i) % span);
      if (this.used.has(offset)) continue;
      this.used.add(offset);
      this.cursor = offset + 1;
      const ip = this.ip(offset);
      this.byKey.set(key, ip);
      return ip;
    }
    return undefined;
  }

  /** Record an address a pod already has (after a restart); false when it is not ours or taken. */
  adopt(key: string, ip: string): boolean {
    if (this.byKey.get(key) === ip) return true;
    const parts = ip.split('.').map(Number);
    if (parts.length !== 4) return false;
    const n = ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
    const offset = n - this.base;
    if (offset < 2 || offset >= this.size - 1 || this.used.has(offset)) return false;
    this.used.add(offset);
    this.byKey.set(key, ip);
    return true;
  }

  release(key: string): void {
    const ip = this.byKey.get(key);
    if (!ip) return;
    this.byKey.delete(key);
    const parts = ip.split('.').map(Number);
    this.used.delete(((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3] - this.base);
  }
}
