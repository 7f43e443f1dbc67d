/**
 * Sets of field paths, as structured-merge-diff's `fieldpath.Set`, and their FieldsV1 encoding.
 *
 * A path is a list of path elements, each in its FieldsV1 spelling:
 *   `f:<name>`   a field of an object
 *   `k:<json>`   the item of an associative list with these key fields, e.g. `k:{"name":"nginx"}`
 *   `v:<json>`   the item of a set, e.g. `v:"example.com/finalizer"`
 *   `i:<index>`  an item by position (decoded for completeness; never produced here)
 * FieldsV1 nests them: `{"f:spec":{"f:replicas":{}}}`; `.` marks a node that is itself a member and
 * also has members below it.
 */
import { statusError } from '../status';
import { isObject, isScalar, setKey, type JsonObject } from './util';

export type FieldPath = readonly string[];

function encodeKey(path: FieldPath): string {
  return JSON.stringify(path);
}

export class FieldSet {
  private readonly members = new Map<string, FieldPath>();

  constructor(paths: Iterable<FieldPath> = []) {
    for (const p of paths) this.add(p);
  }

  add(path: FieldPath): void {
    if (path.length > 0) this.members.set(encodeKey(path), path);
  }

  delete(path: FieldPath): void {
    this.members.delete(encodeKey(path));
  }

  has(path: FieldPath): boolean {
    return this.members.has(encodeKey(path));
  }

  get size(): number {
    return this.members.size;
  }

  isEmpty(): boolean {
    return this.members.size === 0;
  }

  /** Members, sorted. */
  paths(): FieldPath[] {
    const cmp = (a: FieldPath, b: FieldPath): number => {
      for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
      return a.length - b.length;
    };
    return [...this.members.values()].sort(cmp);
  }

  /** Whether a member lies strictly below `path`. */
  hasDescendant(path: FieldPath): boolean {
    const prefix = `${encodeKey(path).slice(0, -1)},`;
    for (const k of this.members.keys()) if (k.startsWith(prefix)) return true;
    return false;
  }

  union(other: FieldSet): FieldSet {
    const out = new FieldSet(this.members.values());
    for (const p of other.members.values()) out.add(p);
    return out;
  }

  difference(other: FieldSet): FieldSet {
    return new FieldSet([...this.members.values()].filter((p) => !other.has(p)));
  }

  intersection(other: FieldSet): FieldSet {
    return new FieldSet([...this.members.values()].filter((p) => other.has(p)));
  }

  equals(other: FieldSet): boolean {
    return this.size === other.size && [...this.members.keys()].every((k) => other.members.has(k));
  }

  /** Without the members at or below any of `prefixes`. */
  without(prefixes: readonly FieldPath[]): FieldSet {
    const keys = prefixes.map((p) => encodeKey(p));
    return new FieldSet(
      [...this.members.entries()]
        .filter(([k]) => !keys.some((pk) => k === pk || k.startsWith(`${pk.slice(0, -1)},`)))
        .map(([, p]) => p),
    );
  }

  toFieldsV1(): JsonObject {
    interface Node {
      member: boolean;
      children: Map<string, Node>;
    }
    const root: Node = { member: false, children: new Map() };
    for (const path of this.members.values()) {
      let node = root;
      for (const pe of path) {
        let next = node.children.get(pe);
        if (!next) {
          next = { member: false, children: new Map() };
          node.children.set(pe, next);
        }
        node = next;
      }
      node.member = true;
    }
    const emit = (node: Node, self: boolean): JsonObject => {
      const out: JsonObject = {};
      if (self && node.member && node.children.size > 0) out['.'] = {};
      for (const pe of [...node.children.keys()].sort()) setKey(out, pe, emit(node.children.get(pe)!, true));
      return out;
    };
    return emit(root, false);
  }

  /** Decode FieldsV1; a malformed value is a 400 BadRequest. */
  static fromFieldsV1(fields: unknown): FieldSet {
    const set = new FieldSet();
    const walk = (node: unknown, path: string[]): void => {
      if (!isObject(node)) throw malformed(path, 'expected an object');
      const keys = Object.keys(node);
      if (keys.length === 0) {
        set.add(path);
        return;
      }
      for (const key of keys) {
        if (key === '.') {
          if (path.length === 0) throw malformed(path, 'the root cannot be a member');
          set.add(path);
          continue;
        }
        validatePathElement(key, path);
        walk(node[key], [...path, key]);
      }
    };
    if (!isObject(fields)) throw malformed([], 'expected an object');
    for (const key of Object.keys(fields)) {
      validatePathElement(key, []);
      walk(fields[key], [key]);
    }
    return set;
  }
}

function malformed(path: FieldPath, why: string): Error {
  return statusError('BadRequest', `error decoding managedFields: invalid FieldsV1 at ${formatPath(path) || '<root>'}: ${why}`);
}

function validatePathElement(pe: string, path: FieldPath): void {
  const kind = pe.slice(0, 2);
  const body = pe.slice(2);
  if (kind === 'f:') return;
  if (kind === 'i:' && /^\d+$/.test(body)) return;
  if (kind === 'k:' || kind === 'v:') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw malformed([...path, pe], 'invalid JSON');
    }
    if (kind === 'v:' || isObject(parsed)) return;
  }
  throw malformed([...path, pe], `unknown path element ${JSON.stringify(pe)}`);
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (isScalar(v)) return String(v);
  if (Array.isArray(v)) return `[${v.map(formatValue).join(',')}]`;
  if (isObject(v)) return Object.keys(v).map((k) => `${k}=${formatValue(v[k])}`).join('');
  return String(v);
}

/** A path as apiserver messages print it: `.spec.template.spec.containers[name="nginx"].image`. */
export function formatPath(path: FieldPath): string {
  const parse = (body: string): unknown => {
    try {
      return JSON.parse(body);
    } catch {
      return undefined;
    }
  };
  return path
    .map((pe) => {
      const body = pe.slice(2);
      switch (pe.slice(0, 2)) {
        case 'f:':
          return `.${body}`;
        case 'k:': {
          const key = parse(body);
          if (!isObject(key)) return `[${body}]`;
          return `[${Object.keys(key).map((k) => `${k}=${formatValue(key[k])}`).join(',')}]`;
        }
        case 'v:':
          return `[=${formatValue(parse(body))}]`;
        default:
          return `[${body}]`;
      }
    })
    .join('');
}
