/**
 * The OpenAPI v3 component schemas k8ts knows, by Kubernetes definition name
 * (`io.k8s.api.apps.v1.Deployment`): the built-in ones generated from kubernetes-types into
 * ./definitions (loaded once, on first use), plus per-server schemas added at runtime (CRDs,
 * aggregated APIs) through `getSchemaRegistry(server).add()`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { refName, type Schema } from './schema-types';

export type { GroupVersionKind, Schema } from './schema-types';
export { refName } from './schema-types';

/** The directory of the generated definition files (core/api/openapi/definitions in the source tree). */
export function definitionsDir(): string {
  const local = path.join(__dirname, 'definitions');
  if (fs.existsSync(path.join(local, 'index.json'))) return local;
  // compiled: dist/core/api/openapi -> <root>/core/api/openapi/definitions
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'core', 'api', 'openapi', 'definitions');
    if (fs.existsSync(path.join(candidate, 'index.json'))) return candidate;
    dir = path.dirname(dir);
  }
  return local;
}

interface Builtins {
  source: string;
  schemas: ReadonlyMap<string, Schema>;
}

let builtins: Builtins | undefined;

function loadBuiltins(): Builtins {
  if (builtins) return builtins;
  const dir = definitionsDir();
  const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as { source: string; packages: string[] };
  const schemas = new Map<string, Schema>();
  for (const pkg of index.packages) {
    const defs = JSON.parse(fs.readFileSync(path.join(dir, `${pkg}.json`), 'utf8')) as Record<string, Schema>;
    for (const [name, schema] of Object.entries(defs)) schemas.set(name, deepFreeze(schema));
  }
  builtins = { source: index.source, schemas };
  return builtins;
}

/** Where the built-in schemas come from, e.g. `kubernetes-types@1.30.0`. */
export function builtinSchemaSource(): string {
  return loadBuiltins().source;
}

/** A built-in (generated) schema by definition name; frozen. */
export function getBuiltinSchema(name: string): Schema | undefined {
  return loadBuiltins().schemas.get(name);
}

/** Every built-in definition name. */
export function builtinSchemaNames(): string[] {
  return [...loadBuiltins().schemas.keys()];
}

/** Built-in schemas plus the ones a server added at runtime. */
export class SchemaRegistry {
  private readonly extra = new Map<string, Schema>();
  private generationValue = 0;

  /** Bumped by every add/remove (caches key on it). */
  get generation(): number {
    return this.generationValue;
  }

  /** Add (or replace) a runtime schema, e.g. a CRD version's `io.example.v1.Widget`. Built-in names cannot be replaced. */
  add(name: string, schema: Schema): void {
    if (getBuiltinSchema(name)) throw new Error(`schema ${name} is built in and cannot be replaced`);
    this.extra.set(name, deepFreeze(structuredClone(schema)));
    this.generationValue++;
  }

  remove(name: string): void {
    if (this.extra.delete(name)) this.generationValue++;
  }

  get(name: string): Schema | undefined {
    return this.extra.get(name) ?? getBuiltinSchema(name);
  }

  /** true for a schema generated from the Kubernetes types (full schemas with patch merge keys) */
  isBuiltin(name: string): boolean {
    return !this.extra.has(name) && getBuiltinSchema(name) !== undefined;
  }

  /** runtime-added names */
  extraNames(): string[] {
    return [...this.extra.keys()];
  }

  /** `roots` and every definition they reference, transitively (unknown names are skipped). */
  closure(roots: Iterable<string>): string[] {
    const seen = new Set<string>();
    const stack = [...roots];
    while (stack.length > 0) {
      const name = stack.pop() as string;
      if (seen.has(name)) continue;
      const schema = this.get(name);
      if (!schema) continue;
      seen.add(name);
      collectRefs(schema, stack);
    }
    return [...seen].sort();
  }

  /** The definition whose `x-kubernetes-group-version-kind` names this kind. */
  findByKind(group: string, version: string, kind: string, candidates?: Iterable<string>): string | undefined {
    const names = candidates ? [...candidates] : [...this.extra.keys(), ...builtinSchemaNames()];
    return names.find((n) => this.get(n)?.['x-kubernetes-group-version-kind']?.some((g) => g.group === group && g.version === version && g.kind === kind));
  }
}

function collectRefs(value: unknown, out: string[]): void {
  if (Array.isArray(value)) {
    for (const v of value) collectRefs(v, out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') {
        const name = refName(v);
        if (name) out.push(name);
      } else collectRefs(v, out);
    }
  }
}

const registries = new WeakMap<object, SchemaRegistry>();

/** The server's schema registry (built-ins plus runtime additions). */
export function getSchemaRegistry(server: object): SchemaRegistry {
  let r = registries.get(server);
  if (!r) registries.set(server, (r = new SchemaRegistry()));
  return r;
}

/** A schema by definition name: the server's runtime schemas first when a server is given, then the built-ins. */
export function getSchema(ref: string, server?: object): Schema | undefined {
  const name = refName(ref) ?? ref;
  return server ? getSchemaRegistry(server).get(name) : getBuiltinSchema(name);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
