/**
 * Generate core/api/openapi/definitions/*.json from the kubernetes-types package (devDependency).
 *
 *   node dist/core/api/openapi/generator/generate.js           write the files
 *   node dist/core/api/openapi/generator/generate.js --check   exit 1 if the committed files differ
 *
 * The output is committed, so a clone needs only `npm ci` (nothing is generated at build time).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Schema } from '../schema-types';
import { applyOverlay } from './overlay';
import { walkKubernetesTypes } from './walk-types';

export interface GeneratedFiles {
  /** file name (in the definitions directory) -> content */
  files: Map<string, string>;
  source: string;
}

/** Build the definition files in memory. */
export function generateDefinitionFiles(typesRoot = path.dirname(require.resolve('kubernetes-types/package.json'))): GeneratedFiles {
  const pkg = JSON.parse(fs.readFileSync(path.join(typesRoot, 'package.json'), 'utf8')) as { version: string };
  const defs = walkKubernetesTypes(typesRoot);
  applyOverlay(defs);
  const byPackage = new Map<string, Record<string, Schema>>();
  for (const name of Object.keys(defs).sort()) {
    const pkgName = name.slice(0, name.lastIndexOf('.'));
    let group = byPackage.get(pkgName);
    if (!group) byPackage.set(pkgName, (group = {}));
    group[name] = defs[name];
  }
  const source = `kubernetes-types@${pkg.version}`;
  const files = new Map<string, string>();
  const packages = [...byPackage.keys()].sort();
  for (const p of packages) files.set(`${p}.json`, `${JSON.stringify(sortKeys(byPackage.get(p)), null, 1)}\n`);
  files.set('index.json', `${JSON.stringify({ source, packages }, null, 1)}\n`);
  return { files, source };
}

/** Stable output: object keys sorted (arrays keep their order). */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/** core/api/openapi/definitions in the source tree (works from dist/ too). */
export function definitionsSourceDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'core', 'api', 'openapi', 'definitions');
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'core', 'api', 'openapi'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the k8ts source tree above ' + __dirname);
}

function main(argv: string[]): number {
  const check = argv.includes('--check');
  const out = definitionsSourceDir();
  const { files, source } = generateDefinitionFiles();
  if (check) {
    const stale = [...files].filter(([name, text]) => !fs.existsSync(path.join(out, name)) || fs.readFileSync(path.join(out, name), 'utf8') !== text);
    const existing = fs.existsSync(out) ? fs.readdirSync(out).filter((f) => f.endsWith('.json') && !files.has(f)) : [];
    for (const [name] of stale) console.error(`stale: ${name}`);
    for (const name of existing) console.error(`extra: ${name}`);
    return stale.length + existing.length === 0 ? 0 : 1;
  }
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  let bytes = 0;
  for (const [name, text] of files) {
    fs.writeFileSync(path.join(out, name), text);
    bytes += Buffer.byteLength(text);
  }
  console.log(`wrote ${files.size} files (${(bytes / 1024).toFixed(0)} KiB) from ${source} to ${path.relative(process.cwd(), out) || out}`);
  return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
