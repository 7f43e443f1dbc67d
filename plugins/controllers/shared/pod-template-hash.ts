/**
 * The `pod-template-hash` label: FNV-1a (32 bit) of the pod template (canonical JSON: keys sorted,
 * the hash label itself left out) followed by the collision count as 4 little-endian bytes when
 * there is one, printed in decimal and "safe encoded" (each digit mapped into an alphabet without
 * vowels, so the label can never spell a word), as Kubernetes' controller.ComputeHash does. The
 * exact value differs from Kubernetes' (which hashes a Go dump of the struct); what matters is that
 * it is deterministic, changes with the template and with the collision count.
 */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Map each character into the safe alphabet (rand.SafeEncodeString). */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/** JSON with sorted keys; undefined members and the pod-template-hash label are skipped. */
export function canonicalJson(v: unknown, dropHashLabel = false, path = ''): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map((x) => canonicalJson(x, dropHashLabel, `${path}[]`)).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined && !(dropHashLabel && path === '.metadata.labels' && k === POD_TEMPLATE_HASH_LABEL))
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k], dropHashLabel, `${path}.${k}`)}`).join(',')}}`;
}

export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The pod-template-hash for a template (the label itself is ignored) and collision count. */
export function computePodTemplateHash(template: unknown, collisionCount?: number | null): string {
  let h = fnv32a(Buffer.from(canonicalJson(template, true), 'utf8'));
  if (collisionCount !== undefined && collisionCount !== null) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(collisionCount >>> 0);
    h = fnv32a(b, h);
  }
  return safeEncodeString(String(h));
}
