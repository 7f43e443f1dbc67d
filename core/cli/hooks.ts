/**
 * `k8ts hooks test <dir|file> --object obj.yaml [--old old.yaml] [--params p.yaml] ...`: evaluate the
 * Hook documents of a directory offline with the server's evaluator and print, per hook, whether it
 * matched, allowed, denied, warned or patched; exit 1 on deny (like gator test / kyverno test).
 * `k8ts hooks list [--config FILE] [--hook-dir DIR]...`: every hook point with its taps and the
 * DSL hooks (from the Hooks plugin's hookDirs and --hook-dir) that target it.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { stringify } from 'yaml';
import { builtinPlugins } from '../../plugins';
import { loadConfig } from '../config/load';
import { getResourceRegistry } from '../registry/registry';
import { buildServer } from '../server/bootstrap';
import { UsageError } from './main';

const USAGE = `Usage:
  k8ts hooks test <dir|file> --object FILE [--old FILE] [--params FILE]... [--operation OP]
                  [--user NAME] [--group G]... [--namespace-labels k=v,...] [--hook-point NAME] [-o text|yaml|json]
      Evaluate the Hook documents under <dir> (recursively; other documents are ignored) against the
      object, as the server would: mutating admission hooks, then validating ones. Exit 1 on deny.
      For a non-admission hook point (--hook-point), --object holds that point's CEL variables.
  k8ts hooks list [--config FILE] [--hook-dir DIR]...
      Every hook point with its taps (name@stage), the shapes the hooks DSL can tap, and the DSL
      hooks of the Hooks plugin's hookDirs (and --hook-dir) by hook point.
`;

function parse(args: string[], options: NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>) {
  try {
    return parseArgs({ args, strict: true, allowPositionals: true, options });
  } catch (err) {
    throw new UsageError(`hooks: ${(err as Error).message.split('\n')[0]}`);
  }
}

async function testCommand(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, {
    object: { type: 'string' },
    old: { type: 'string' },
    params: { type: 'string', multiple: true },
    operation: { type: 'string' },
    user: { type: 'string' },
    group: { type: 'string', multiple: true },
    'namespace-labels': { type: 'string' },
    'hook-point': { type: 'string' },
    output: { type: 'string', short: 'o' },
  });
  const v = values as Record<string, any>;
  if (positionals.length !== 1) throw new UsageError('hooks test: exactly one <dir|file> of hooks is required');
  if (!v.object && !v.old) throw new UsageError('hooks test: --object (or --old for DELETE) is required');
  const op = v.operation?.toUpperCase();
  if (op && !['CREATE', 'UPDATE', 'DELETE', 'CONNECT'].includes(op)) throw new UsageError(`hooks test: unknown --operation ${v.operation}`);
  const { HookSet } = await import('../../hooks/dsl/hook-set');
  const { loadDir, readDocuments } = await import('../../hooks/dsl/dirs');
  const { evaluateOffline } = await import('../../hooks/dsl/offline');
  const { closeScriptPool } = await import('../../hooks/dsl/script');
  const one = (file: string | undefined) => {
    if (!file) return undefined;
    const docs = readDocuments(file);
    if (docs.length !== 1) throw new UsageError(`hooks test: ${file} must hold exactly one document`);
    return docs[0];
  };
  const { server } = buildServer({ loaded: loadConfig(undefined), builtins: builtinPlugins, logger: pino({ level: 'silent' }) });
  const set = new HookSet();
  const dir = path.resolve(positionals[0]);
  loadDir(set, dir);
  const nsLabels = v['namespace-labels'] ? Object.fromEntries(String(v['namespace-labels']).split(',').filter(Boolean).map((kv: string) => kv.split('=') as [string, string])) : undefined;
  try {
    const result = await evaluateOffline(set, {
      object: one(v.object) ?? null,
      oldObject: one(v.old) ?? null,
      params: (v.params ?? []).flatMap((f: string) => readDocuments(f)),
      operation: op,
      user: v.user ? { username: v.user, groups: v.group ?? ['system:authenticated'] } : undefined,
      namespaceLabels: nsLabels,
      hookPoint: v['hook-point'],
      registry: getResourceRegistry(server),
    });
    const rejected = set.rejected();
    if (v.output === 'json' || v.output === 'yaml') {
      const doc = { allowed: result.allowed, deny: result.deny, warnings: result.warnings, auditAnnotations: result.audit, patch: result.patch, rejected, hooks: result.verdicts.map((x) => ({ hook: x.hook, point: x.point, matched: x.matched, deny: x.deny, error: x.error, warnings: x.warnings, patched: !!x.object })) };
      process.stdout.write(v.output === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : stringify(doc));
    } else {
      const out: string[] = [];
      for (const r of rejected) out.push(`REJECTED ${r.name} (${r.source.type === 'file' ? path.relative(process.cwd(), r.source.path) : 'api'}): ${r.error}`);
      if (!set.all().length) out.push(`no hooks found under ${positionals[0]}`);
      for (const x of result.verdicts) {
        let what = !x.matched ? 'SKIP (no match)' : x.deny ? `DENY ${x.deny.reason}: ${x.deny.message}` : x.object ? 'PATCH' : 'ALLOW';
        if (x.error) what += ` (error: ${x.error})`;
        out.push(`${x.hook} [${x.point}]: ${what}`);
        for (const w of x.warnings) out.push(`  warning: ${w}`);
      }
      for (const [k, val] of Object.entries(result.audit)) out.push(`audit annotation ${k}=${val}`);
      if (result.patch.length) out.push('patch:', ...result.patch.map((p) => `  ${JSON.stringify(p)}`));
      out.push(result.allowed ? (result.patch.length ? 'RESULT: allow (mutated)' : 'RESULT: allow') : `RESULT: deny: ${result.deny!.message}`);
      process.stdout.write(`${out.join('\n')}\n`);
    }
    if (!result.allowed || rejected.length) process.exitCode = 1;
  } finally {
    await closeScriptPool();
  }
}

async function listCommand(args: string[]): Promise<void> {
  const { values } = parse(args, { config: { type: 'string' }, 'hook-dir': { type: 'string', multiple: true } });
  const v = values as Record<string, any>;
  const { hooksOf } = await import('../../hooks/dsl');
  const { loadDir } = await import('../../hooks/dsl/dirs');
  const { hookShapes } = await import('../../hooks/dsl/shapes');
  const { server } = buildServer({ loaded: loadConfig(v.config), builtins: builtinPlugins, logger: pino({ level: 'silent' }) });
  const entry = hooksOf(server);
  const out: string[] = ['HOOK POINTS'];
  if (entry) for (const d of [...entry.dirs, ...(v['hook-dir'] ?? []).map((d: string) => path.resolve(d))]) loadDir(entry.set, d);
  const shapes = new Map(hookShapes().map((s) => [s.point, s]));
  for (const point of server.hookIndex.list()) {
    const taps = point.hook.taps.map((t) => `${t.name}@${t.stage ?? 0}`);
    out.push(`  ${point.name} (${point.kind}): ${taps.length ? taps.join(', ') : '-'}`);
    const dsl = entry?.set.forPoint(point.name) ?? [];
    if (dsl.length) out.push(`    DSL hooks: ${dsl.map((h) => `${h.name} (${h.source.type === 'file' ? path.relative(process.cwd(), h.source.path) : 'api'})`).join(', ')}`);
  }
  out.push('', 'DSL SHAPES (hook points a Hook may name in spec.hookPoint)');
  for (const s of shapes.values()) out.push(`  ${s.point}${server.hookIndex.get(s.point) ? '' : ' (not on this server)'}: variables ${s.variables.join(', ')}; ${s.mutable ? 'mutable' : 'not mutable'}; deny: ${s.denyMeans}`);
  const rejected = entry?.set.rejected() ?? [];
  if (rejected.length) {
    out.push('', 'REJECTED HOOKS');
    for (const r of rejected) out.push(`  ${r.name} (${r.source.type === 'file' ? path.relative(process.cwd(), r.source.path) : 'api'}): ${r.error}`);
  }
  if (!entry) out.push('', 'the Hooks plugin is disabled in this configuration');
  else out.push('', `hooks from the API (hooks.k8ts.dev) are listed by: kubectl get hooks.hooks.k8ts.dev`);
  process.stdout.write(`${out.join('\n')}\n`);
}

export async function hooksCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'test') return testCommand(rest);
  if (sub === 'list') return listCommand(rest);
  if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  throw new UsageError(`hooks: unknown subcommand "${sub}" (known: test, list)`);
}
