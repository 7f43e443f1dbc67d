/**
 * Walks the `kubernetes-types` declaration files with the TypeScript compiler API (parser only, no
 * type checker) and turns every exported interface and type alias into an OpenAPI v3 component
 * schema named as Kubernetes names its definitions (`io.k8s.api.apps.v1.Deployment`).
 *
 * What the .d.ts files carry: property names, optionality (-> `required`), the doc comments
 * (-> `description`), arrays, maps, references, and literal `apiVersion`/`kind` on top-level kinds
 * (-> `x-kubernetes-group-version-kind`). What they lose (integer formats, patch merge keys, list
 * types, byte formats, 1.31/1.32 additions) is put back by `overlay.ts`.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { Schema } from '../schema-types';

/** Definition-name prefix of each declaration file (path without `.d.ts`, relative to the package). */
export function packageOf(file: string): string {
  const special: Record<string, string> = {
    'meta/v1': 'io.k8s.apimachinery.pkg.apis.meta.v1',
    'api/resource': 'io.k8s.apimachinery.pkg.api.resource',
    runtime: 'io.k8s.apimachinery.pkg.runtime',
    version: 'io.k8s.apimachinery.pkg.version',
    'apiextensions/v1': 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1',
  };
  if (special[file]) return special[file];
  const m = /^([a-z0-9]+)\/(v[0-9a-z]+)$/.exec(file);
  if (!m) throw new Error(`kubernetes-types: no definition prefix for ${file}.d.ts`);
  return `io.k8s.api.${m[1]}.${m[2]}`;
}

export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const INT_OR_STRING_DESCRIPTION =
  'IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.';

/** Schemas of the aliases to scalars, by definition name (Kubernetes' own shapes). */
const SCALAR_ALIASES: Record<string, (description: string | undefined) => Schema> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': (d) => ({ description: d, type: 'string', format: 'date-time' }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': (d) => ({ description: d, type: 'string', format: 'date-time' }),
  'io.k8s.apimachinery.pkg.api.resource.Quantity': (d) => ({ description: d, oneOf: [{ type: 'string' }, { type: 'number' }] }),
};

/** Empty interfaces that stand for "any JSON value" rather than "any object". */
const ANY_VALUE = new Set(['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON']);

interface FileInfo {
  pkg: string;
  /** imported identifier -> definition prefix of its module */
  imports: Map<string, string>;
  /** locally declared names */
  locals: Set<string>;
}

/** All definitions found under `typesRoot` (the kubernetes-types package directory), by name. */
export function walkKubernetesTypes(typesRoot: string): Record<string, Schema> {
  const files = listDeclarationFiles(typesRoot);
  const out: Record<string, Schema> = {};
  for (const rel of files) {
    const text = fs.readFileSync(path.join(typesRoot, `${rel}.d.ts`), 'utf8');
    const sf = ts.createSourceFile(`${rel}.d.ts`, text, ts.ScriptTarget.ES2022, true);
    const info = fileInfo(sf, rel);
    for (const stmt of sf.statements) {
      if (ts.isInterfaceDeclaration(stmt)) {
        const name = `${info.pkg}.${stmt.name.text}`;
        out[name] = interfaceSchema(stmt, name, info);
      } else if (ts.isTypeAliasDeclaration(stmt)) {
        const name = `${info.pkg}.${stmt.name.text}`;
        const description = docOf(stmt);
        const scalar = SCALAR_ALIASES[name];
        // other aliases are unions (JSONSchemaPropsOrArray...): any value, as Kubernetes publishes them
        out[name] = clean(scalar ? scalar(description) : { description });
      }
    }
  }
  // Kubernetes' own shape (format + oneOf), plus the structural-schema marker CRDs use for the same thing
  out[INT_OR_STRING] = {
    description: INT_OR_STRING_DESCRIPTION,
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
    'x-kubernetes-int-or-string': true,
  };
  return out;
}

function listDeclarationFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.d.ts')) out.push(rel.slice(0, -'.d.ts'.length));
    }
  };
  walk('');
  return out.filter((f) => f !== 'v1').sort(); // v1.d.ts only re-exports
}

function fileInfo(sf: ts.SourceFile, rel: string): FileInfo {
  const info: FileInfo = { pkg: packageOf(rel), imports: new Map(), locals: new Set() };
  for (const stmt of sf.statements) {
    if (ts.isImportDeclaration(stmt) && ts.isStringLiteral(stmt.moduleSpecifier)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel), stmt.moduleSpecifier.text));
      const bindings = stmt.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) {
        for (const el of bindings.elements) info.imports.set(el.name.text, packageOf(target));
      }
    } else if (ts.isInterfaceDeclaration(stmt) || ts.isTypeAliasDeclaration(stmt)) {
      info.locals.add(stmt.name.text);
    }
  }
  return info;
}

function interfaceSchema(decl: ts.InterfaceDeclaration, name: string, info: FileInfo): Schema {
  const schema: Schema = { description: docOf(decl) };
  if (ANY_VALUE.has(name)) return clean(schema);
  schema.type = 'object';
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  let apiVersion: string | undefined;
  let kind: string | undefined;
  for (const member of decl.members) {
    if (!ts.isPropertySignature(member) || !member.type) continue;
    const prop = propertyName(member.name);
    if (!member.questionToken) required.push(prop);
    const literal = stringLiteral(member.type);
    if (prop === 'apiVersion' && literal) apiVersion = literal;
    if (prop === 'kind' && literal) kind = literal;
    properties[prop] = withDescription(typeSchema(member.type, info), docOf(member));
  }
  if (Object.keys(properties).length > 0) schema.properties = properties;
  if (required.length > 0) schema.required = required;
  if (apiVersion && kind) {
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    schema['x-kubernetes-group-version-kind'] = [{ group, kind, version }];
  }
  return clean(schema);
}

function propertyName(name: ts.PropertyName): string {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  throw new Error(`unsupported property name ${name.getText()}`);
}

function stringLiteral(type: ts.TypeNode): string | undefined {
  if (ts.isLiteralTypeNode(type) && ts.isStringLiteral(type.literal)) return type.literal.text;
  return undefined;
}

/** A property's own description goes beside a `$ref` in an `allOf`, as kube-openapi writes it. */
function withDescription(schema: Schema, description: string | undefined): Schema {
  if (!description) return schema;
  if (schema.$ref) return { allOf: [{ $ref: schema.$ref }], description };
  return { description, ...schema };
}

function typeSchema(type: ts.TypeNode, info: FileInfo): Schema {
  switch (type.kind) {
    case ts.SyntaxKind.StringKeyword:
      return { type: 'string' };
    case ts.SyntaxKind.NumberKeyword:
      return { type: 'integer', format: 'int32' };
    case ts.SyntaxKind.BooleanKeyword:
      return { type: 'boolean' };
    default:
      break;
  }
  if (ts.isLiteralTypeNode(type) && ts.isStringLiteral(type.literal)) return { type: 'string' };
  if (ts.isParenthesizedTypeNode(type)) return typeSchema(type.type, info);
  if (ts.isArrayTypeNode(type)) return { type: 'array', items: typeSchema(type.elementType, info) };
  if (ts.isUnionTypeNode(type)) {
    const kinds = new Set(type.types.map((t) => t.kind));
    if (kinds.size === 2 && kinds.has(ts.SyntaxKind.NumberKeyword) && kinds.has(ts.SyntaxKind.StringKeyword)) {
      return { $ref: ref(INT_OR_STRING) };
    }
    if (type.types.every((t) => stringLiteral(t) !== undefined)) return { type: 'string' };
    throw new Error(`unsupported union ${type.getText()}`);
  }
  if (ts.isTypeLiteralNode(type)) {
    const index = type.members.find(ts.isIndexSignatureDeclaration);
    if (index?.type && type.members.length === 1) return { type: 'object', additionalProperties: typeSchema(index.type, info) };
    throw new Error(`unsupported type literal ${type.getText()}`);
  }
  if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName)) {
    const id = type.typeName.text;
    if (id === 'Array' && type.typeArguments?.length === 1) return { type: 'array', items: typeSchema(type.typeArguments[0], info) };
    if (info.locals.has(id)) return { $ref: ref(`${info.pkg}.${id}`) };
    const pkg = info.imports.get(id);
    if (pkg) return { $ref: ref(`${pkg}.${id}`) };
    throw new Error(`unresolved type ${id} in ${info.pkg}`);
  }
  throw new Error(`unsupported type ${type.getText()}`);
}

export function ref(name: string): string {
  return `#/components/schemas/${name}`;
}

/** The JSDoc text of a declaration, as written (paragraphs kept). */
function docOf(node: ts.Node): string | undefined {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const text = docs
    .map((d) => (typeof d.comment === 'string' ? d.comment : ts.getTextOfJSDocComment(d.comment) ?? ''))
    .join('\n\n')
    .trim();
  return text || undefined;
}

function clean(schema: Schema): Schema {
  for (const key of Object.keys(schema)) if (schema[key] === undefined) delete schema[key];
  return schema;
}
