/**
 * JSON value helpers shared by the patch engines. Every engine works on copies: nothing here mutates
 * its inputs unless the name says so. Keys are read and written as own properties only, so a key
 * like `constructor` or `__proto__` in a body is plain data and can never reach a prototype.
 */

export type JsonObject = { [key: string]: unknown };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function has(o: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

/** Own property or undefined (never an inherited one such as `toString`). */
export function get(o: JsonObject, key: string): unknown {
  return has(o, key) ? o[key] : undefined;
}

/** Assign as an own, enumerable property, even for `__proto__`. */
export function setKey(o: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    o[key] = value;
  }
}

export function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => clone(x)) as unknown as T;
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) setKey(out, k, clone(v[k]));
    return out as T;
  }
  return v;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => has(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Scalars are what merge keys and set members may be. */
export function isScalar(v: unknown): v is string | number | boolean | null {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** RFC 3339 without fractions, as Kubernetes emits timestamps. */
export function rfc3339(d: Date = new Date()): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}
