/**
 * hookDirs: directories of YAML/JSON files (searched recursively, multi-document YAML), of which
 * every document with `apiVersion: hooks.k8ts.dev/v1alpha1, kind: Hook` is a hook; other documents
 * (example objects, params) are ignored. Hot reload: fs.watch on each directory, debounced, rereads
 * the whole directory and replaces its hooks in the HookSet.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { HookSet, Rejected } from './hook-set';
import { HOOKS_API_VERSION, HOOKS_KIND, type Json } from './types';

const EXT = /\.(ya?ml|json)$/i;
const MAX_DEPTH = 4;

function files(dir: string, depth = 0): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory() && depth < MAX_DEPTH) out.push(...files(p, depth + 1));
    else if (e.isFile() && EXT.test(e.name)) out.push(p);
  }
  return out;
}

/** Every document of a YAML/JSON file; throws with the file's first parse error. */
export function readDocuments(file: string): Json[] {
  const text = fs.readFileSync(file, 'utf8');
  const docs = parseAllDocuments(text);
  const out: Json[] = [];
  for (const d of Array.isArray(docs) ? docs : [docs]) {
    if (d.errors.length) throw new Error(`${file}: ${d.errors[0].message.split('\n')[0]}`);
    const v = d.toJS();
    if (v && typeof v === 'object' && Array.isArray(v.items) && String(v.kind).endsWith('List')) out.push(...v.items);
    else if (v && typeof v === 'object') out.push(v);
  }
  return out;
}

export const isHookDocument = (d: Json) => d?.apiVersion === HOOKS_API_VERSION && d?.kind === HOOKS_KIND;

/** The hook documents under a directory (or one file), with parse problems. */
export function readHookDir(dirOrFile: string): { hooks: Array<{ file: string; doc: Json }>; problems: Array<{ file: string; error: string }> } {
  const list = fs.existsSync(dirOrFile) && fs.statSync(dirOrFile).isFile() ? [dirOrFile] : files(dirOrFile);
  const hooks: Array<{ file: string; doc: Json }> = [];
  const problems: Array<{ file: string; error: string }> = [];
  for (const file of list) {
    try {
      for (const doc of readDocuments(file)) if (isHookDocument(doc)) hooks.push({ file, doc });
    } catch (err) {
      problems.push({ file, error: (err as Error).message.split('\n')[0] });
    }
  }
  return { hooks, problems };
}

/** Load one directory into the set under keys `dir:<dir>:<file>`. */
export function loadDir(set: HookSet, dir: string): void {
  const { hooks, problems } = readHookDir(dir);
  set.deletePrefix(`dir:${dir}:`);
  const byFile = new Map<string, Json[]>();
  for (const h of hooks) byFile.set(h.file, [...(byFile.get(h.file) ?? []), h.doc]);
  for (const p of problems) byFile.set(p.file, byFile.get(p.file) ?? []);
  for (const [file, docs] of byFile) {
    const extra: Rejected[] = problems.filter((p) => p.file === file).map((p) => ({ name: path.basename(file), source: { type: 'file', path: file }, error: p.error }));
    set.set(`dir:${dir}:${file}`, { type: 'file', path: file }, docs, extra);
  }
  if (!byFile.size) set.onChange?.();
}

/** Watch directories and reload each one (debounced) when anything under it changes. */
export class DirWatcher {
  private readonly watchers: fs.FSWatcher[] = [];
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly set: HookSet,
    private readonly dirs: readonly string[],
    private readonly debounceMs = 100,
    private readonly onReload?: (dir: string) => void,
  ) {}

  start(): void {
    for (const dir of this.dirs) {
      loadDir(this.set, dir);
      try {
        const w = fs.watch(dir, { recursive: true, persistent: false }, () => this.schedule(dir));
        w.on('error', () => undefined);
        this.watchers.push(w);
      } catch {
        // a missing directory: nothing to watch (it is reported as empty)
      }
    }
  }

  private schedule(dir: string): void {
    clearTimeout(this.timers.get(dir));
    this.timers.set(
      dir,
      setTimeout(() => {
        this.timers.delete(dir);
        loadDir(this.set, dir);
        this.onReload?.(dir);
      }, this.debounceMs),
    );
  }

  stop(): void {
    for (const w of this.watchers.splice(0)) w.close();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
