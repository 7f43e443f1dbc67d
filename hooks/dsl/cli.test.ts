/**
 * `k8ts hooks test` on every example of examples/hooks: the verdict each example is built for and
 * the exit code (1 on deny, 0 on allow); `k8ts hooks list` shows the DSL hooks of a directory
 * under their hook point. The command runs in-process (hooksCommand, stdout and exit code captured)
 * to keep the suite fast; one case runs the real bin/k8ts.js as a child process.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { hooksCommand } from '../../core/cli/hooks';

const ROOT = path.resolve(__dirname, '../../..');
const EX = path.join(ROOT, 'examples/hooks');
function k8tsBin(args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/k8ts.js'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr, show: `k8ts ${args.join(' ')} -> ${r.status}\n${r.stdout}\n${r.stderr}` };
}
/** run `k8ts <args>` in-process: stdout captured, process.exitCode read and restored */
async function k8ts(args: string[]) {
  const write = process.stdout.write;
  const saved = process.exitCode;
  let out = '';
  process.exitCode = 0;
  (process.stdout as { write: unknown }).write = (chunk: string | Uint8Array) => ((out += String(chunk)), true);
  let code: number;
  try {
    assert.equal(args[0], 'hooks');
    await hooksCommand(args.slice(1));
    code = Number(process.exitCode ?? 0);
  } finally {
    process.stdout.write = write;
    process.exitCode = saved;
  }
  return { code, out, show: `k8ts ${args.join(' ')} -> ${code}\n${out}` };
}
const test = (dir: string, ...args: string[]) => k8ts(['hooks', 'test', path.join(EX, dir), ...args]);

describe('k8ts hooks test / list (CLI)', function () {
  this.timeout(60_000);

  it('required-label denies a pod without a team label (exit 1, message printed)', async () => {
    const r = await test('required-label', '--object', path.join(EX, 'required-label/pod-without-team.yaml'));
    assert.equal(r.code, 1, r.show);
    assert.match(r.out, /RESULT: deny: hook 'require-team-label' denied request: Pod no-team must have a non-empty team label/, r.show);
  });

  it('required-label allows a labelled pod (exit 0)', async () => {
    const r = await test('required-label', '--object', path.join(EX, 'required-label/pod-with-team.yaml'));
    assert.equal(r.code, 0, r.show);
    assert.match(r.out, /RESULT: allow$/m, r.show);
  });

  it('default-resources prints the patch', async () => {
    const r = await test('default-resources', '--object', path.join(EX, 'default-resources/pod.yaml'));
    assert.equal(r.code, 0, r.show);
    assert.match(r.out, /"path":"\/spec\/containers\/0\/resources","value":\{"requests":\{"cpu":"100m","memory":"64Mi"\}\}/, r.show);
    assert.match(r.out, /RESULT: allow \(mutated\)/, r.show);
  });

  it('replica-limit denies with the ConfigMap given by --params', async () => {
    const r = await test('replica-limit', '--object', path.join(EX, 'replica-limit/deployment-too-big.yaml'), '--params', path.join(EX, 'replica-limit/limits.yaml'));
    assert.equal(r.code, 1, r.show);
    assert.match(r.out, /DENY Invalid: hook 'replica-limit' denied request: replicas 5 exceed the limit of 3/, r.show);
  });

  it('warn-latest-tag allows and prints the warning', async () => {
    const r = await test('warn-latest-tag', '--object', path.join(EX, 'warn-latest-tag/pod.yaml'));
    assert.equal(r.code, 0, r.show);
    assert.match(r.out, /warning: Validation failed for hook 'warn-latest-tag': pin the image tag of app/, r.show);
  });

  it('the script example patches a pod (JSON output)', async () => {
    const r = await k8ts(['hooks', 'test', path.join(EX, 'script-mutate.yaml'), '--object', path.join(EX, 'default-resources/pod.yaml'), '-o', 'json']);
    assert.equal(r.code, 0, r.show);
    const doc = JSON.parse(r.out);
    assert.equal(doc.allowed, true);
    assert.ok(doc.patch.some((p: { path: string }) => p.path.startsWith('/spec/containers/0/resources')), r.show);
  });

  it('reconcile-freeze denies a reconcile in namespace frozen (--hook-point)', async () => {
    const r = await test('reconcile-freeze', '--hook-point', 'controllers.reconcile', '--object', path.join(EX, 'reconcile-freeze/reconcile.yaml'));
    assert.equal(r.code, 1, r.show);
    assert.match(r.out, /namespace frozen is frozen: Deployment web not reconciled/, r.show);
  });

  it('scheduler-zone denies a critical pod on an unlabelled node (--hook-point)', async () => {
    const r = await test('scheduler-zone', '--hook-point', 'scheduler.filter', '--object', path.join(EX, 'scheduler-zone/filter.yaml'));
    assert.equal(r.code, 1, r.show);
    assert.match(r.out, /node node-a is not reliable enough for critical pods/, r.show);
  });

  it('the real binary exits 1 on deny', () => {
    const r = k8tsBin(['hooks', 'test', path.join(EX, 'required-label'), '--object', path.join(EX, 'required-label/pod-without-team.yaml')]);
    assert.equal(r.code, 1, r.show);
    assert.match(r.out, /RESULT: deny/, r.show);
  });

  it('hooks list shows the DSL hooks of a directory under their hook point', async () => {
    const r = await k8ts(['hooks', 'list', '--hook-dir', EX]);
    assert.equal(r.code, 0, r.show);
    assert.match(r.out, /^ {2}controllers\.reconcile \(AsyncSeriesBailHook\): .*Hooks@0/m, r.show);
    assert.match(r.out, /^ {4}DSL hooks: reconcile-freeze/m, r.show);
    assert.match(r.out, /^ {2}scheduler\.filter .*\n {4}DSL hooks: critical-on-reliable-nodes/m, r.show);
  });
});
