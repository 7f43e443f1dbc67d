/**
 * The `pod-template-hash` label, computed the way Kubernetes' controller.ComputeHash
 * (pkg/controller/controller_utils.go) does it, except for the text that is hashed:
 *
 *   h = FNV-1a 32 over a deterministic rendering of the pod template
 *   if collisionCount is set: h = FNV-1a 32 continued over 8 bytes: uint32(collisionCount)
 *       little-endian followed by 4 zero bytes (Go: make([]byte, 8); PutUint32(b, ...))
 *   label = rand.SafeEncodeString(decimal(h)): each digit mapped into "bcdfghjklmnpqrstvwxz2456789"
 *
 * The rendering. Kubernetes hashes `dump.ForHash(template)` (k8s.io/apimachinery/pkg/util/dump),
 * i.e. go-spew `%#v` of the Go struct v1.PodTemplateSpec with SortKeys, SpewKeys, DisableMethods,
 * DisablePointerAddresses and DisableCapacities. Byte-for-byte equivalence is not feasible here:
 * - that text is a dump of Go memory, not of the API object: every field of every struct reachable
 *   from PodTemplateSpec is printed, set or not, in Go declaration order with its Go type name
 *   (`(v1.PullPolicy)`, `(*int64)<nil>`, `([]v1.Volume)<nil>` ...): reproducing it needs the whole
 *   k8s.io/api/core/v1 type tree of one Kubernetes release (some 150 struct types), which no schema
 *   k8ts serves carries (OpenAPI has neither Go field order nor Go type names);
 * - unexported internals are printed too: resource.Quantity's int64Amount/inf.Dec/cached string
 *   and format (which depend on how the quantity was parsed and whether it was marshalled since),
 *   metav1.Time's time.Time wall/ext/loc;
 * - so the value changes with every Kubernetes release that adds a field anywhere in PodSpec, even
 *   for the same YAML, and with the apiserver's defaulting of that release. Kubernetes itself never
 *   relies on the value being reproducible: the Deployment controller finds its ReplicaSets by
 *   comparing templates (EqualIgnoreHash), and only uses the hash as a name suffix and selector.
 *
 * What k8ts hashes instead: canonical JSON of the template as stored (keys sorted, undefined
 * members skipped, the pod-template-hash label itself left out). Like Kubernetes' value it is
 * deterministic, changes with the template and with the collision count, and has the same shape
 * (up to 10 characters from the same alphabet); unlike it, it is stable across k8ts releases.
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
    const b = Buffer.alloc(8);
    b.writeUInt32LE(collisionCount >>> 0);
    h = fnv32a(b, h);
  }
  return safeEncodeString(String(h));
}
