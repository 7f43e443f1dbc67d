import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { ScriptPool, type ScriptCall } from './pool';
import type { ScriptFailureReason, ScriptResult } from './limits';
import { CRASH_MARKER, HANG_MARKER } from './fixtures/hanging-worker';
import { threadCpuNs } from './cpu-clock';

const ADD_LABEL = `
function hook(input) {
  const labels = (input.object.metadata && input.object.metadata.labels) || {};
  if (labels.team) return { allowed: true };
  const patch = input.object.metadata.labels
    ? [{ op: 'add', path: '/metadata/labels/team', value: 'default' }]
    : [{ op: 'add', path: '/metadata/labels', value: { team: 'default' } }];
  return { allowed: true, patch };
}`;

const DENY_LATEST = `
function hook(input) {
  const bad = input.object.spec.containers.filter((c) => c.image.endsWith(':latest')).map((c) => c.name);
  return bad.length ? { allowed: false, message: 'images must not use :latest: ' + bad.join(', ') } : { allowed: true };
}`;

const ECHO = 'function hook(input) { return { n: input.n }; }';

function pod(image: string, labels?: Record<string, string>): unknown {
  return { object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ...(labels ? { labels } : {}) }, spec: { containers: [{ name: 'c', image }] } } };
}

function expectFailure(r: ScriptResult, reason: ScriptFailureReason): void {
  assert.equal(r.ok, false, `expected ${reason}, got ${JSON.stringify(r).slice(0, 300)}`);
  if (!r.ok) assert.equal(r.reason, reason, r.message);
}

describe('hooks/dsl/script: the QuickJS script pool', function () {
  this.timeout(30000);
  let pool: ScriptPool;
  before(() => {
    pool = new ScriptPool({ size: 2 });
  });
  after(() => pool.close());

  /** A hostile call is contained, and the same pool answers a normal call right after. */
  async function contained(call: ScriptCall, reason: ScriptFailureReason): Promise<void> {
    expectFailure(await pool.run(call), reason);
    assert.deepEqual(await pool.run({ source: ECHO, input: { n: 7 } }), { ok: true, output: { n: 7 } });
  }

  describe('normal hooks', () => {
    it('mutates: returns a JSON Patch that adds a label', async () => {
      const r = await pool.run({ source: ADD_LABEL, input: pod('nginx:1.27', { app: 'web' }) });
      assert.deepEqual(r, { ok: true, output: { allowed: true, patch: [{ op: 'add', path: '/metadata/labels/team', value: 'default' }] } });
    });

    it('denies with a message', async () => {
      const r = await pool.run({ source: DENY_LATEST, input: pod('nginx:latest') });
      assert.equal(r.ok, true);
      assert.equal((r as { output: { allowed: boolean } }).output.allowed, false);
    });

    it('a thrown error is ScriptError', async () => {
      await contained({ source: 'function hook() { throw new TypeError("no") }' }, 'ScriptError');
    });

    it('returning nothing is BadOutput', async () => {
      await contained({ source: 'function hook() {}' }, 'BadOutput');
    });

    it('each call gets a fresh context: globals set by one call are gone in the next', async () => {
      const source = 'function hook() { const seen = globalThis.__seen === true; globalThis.__seen = true; Object.prototype.polluted = 1; return { seen, polluted: ({}).polluted === 1 && seen }; }';
      await pool.run({ source });
      for (let i = 0; i < 4; i++) assert.deepEqual(await pool.run({ source }), { ok: true, output: { seen: false, polluted: false } });
    });

    it('a script that replaces JSON.parse and JSON.stringify does not change how its input and output are read', async () => {
      const source = `JSON.parse = () => ({ n: -1 }); JSON.stringify = () => '{"forged":true}'; ${ECHO}`;
      assert.deepEqual(await pool.run({ source, input: { n: 7 } }), { ok: true, output: { n: 7 } });
    });
  });

  describe('hostile scripts are contained', () => {
    it('an infinite loop is Timeout', async () => {
      await contained({ source: 'function hook() { for (;;) {} }', limits: { timeoutMs: 50 } }, 'Timeout');
    });

    it('an infinite loop under a memory limit no earlier call used (a new instance first) is Timeout', async () => {
      await contained({ source: 'function hook() { for (;;) {} }', limits: { timeoutMs: 50, memoryLimitMiB: 3 } }, 'Timeout');
    });

    it('a memory bomb of small objects is MemoryLimit', async () => {
      await contained({ source: 'function hook() { const a = []; for (;;) a.push({ a: 1, b: [1, 2, 3] }); }', limits: { timeoutMs: 5000 } }, 'MemoryLimit');
    });

    it('a memory bomb of large arrays is MemoryLimit', async () => {
      await contained({ source: 'function hook() { const a = []; for (;;) a.push(new Array(10000).fill(1)); }', limits: { timeoutMs: 5000 } }, 'MemoryLimit');
    });

    it('a memory bomb of strings is MemoryLimit', async () => {
      await contained({ source: 'function hook() { const a = []; for (;;) a.push("x".repeat(1 << 20) + Math.random()); }', limits: { timeoutMs: 5000 } }, 'MemoryLimit');
    });

    it('deep recursion is StackOverflow', async () => {
      await contained({ source: 'function hook() { function f(n) { return f(n + 1) + 1; } return f(0); }', limits: { timeoutMs: 5000 } }, 'StackOverflow');
    });

    it('an output over 1 MiB is OutputTooLarge', async () => {
      await contained({ source: 'function hook() { return { s: "x".repeat(1100000) }; }' }, 'OutputTooLarge');
    });

    it('an input over 1 MiB is InputTooLarge (refused before any worker sees it)', async () => {
      await contained({ source: ECHO, input: { s: 'x'.repeat(1100000) } }, 'InputTooLarge');
    });

    it('process, require, fetch, setTimeout, std, os and console do not exist, also through globalThis.constructor tricks', async () => {
      const source = `function hook() {
        const g = globalThis.constructor.constructor('return this')();
        const f = Function('return this')();
        return [typeof process, typeof require, typeof fetch, typeof setTimeout, typeof setInterval, typeof std, typeof os,
          typeof console, typeof g.process, typeof f.require, typeof globalThis.WebAssembly, typeof module, typeof Deno];
      }`;
      const r = await pool.run({ source });
      assert.ok(r.ok, JSON.stringify(r));
      assert.deepEqual(r.output, Array(13).fill('undefined'));
    });

    it('Proxy and the typed arrays are left out of the context', async () => {
      const r = await pool.run({ source: 'function hook() { return [typeof Proxy, typeof ArrayBuffer, typeof Uint8Array, typeof DataView, typeof Atomics, typeof SharedArrayBuffer]; }' });
      assert.deepEqual(r, { ok: true, output: Array(6).fill('undefined') });
    });

    it('calling require is ScriptError', async () => {
      await contained({ source: 'function hook() { return require("fs").readFileSync("/etc/passwd", "utf8"); }' }, 'ScriptError');
    });

    it('calling fetch is ScriptError', async () => {
      await contained({ source: 'function hook() { fetch("http://127.0.0.1:1/"); return {}; }' }, 'ScriptError');
    });

    it('setTimeout is ScriptError', async () => {
      await contained({ source: 'function hook() { setTimeout(() => {}, 1); return {}; }' }, 'ScriptError');
    });

    it('dynamic import() yields a Promise: BadOutput', async () => {
      await contained({ source: 'function hook() { return import("os"); }' }, 'BadOutput');
    });

    it('a static import is a syntax error: ScriptError', async () => {
      await contained({ source: 'import * as os from "os";\nfunction hook() { return {}; }' }, 'ScriptError');
    });

    it('an async hook is BadOutput', async () => {
      await contained({ source: 'async function hook() { return { allowed: true }; }' }, 'BadOutput');
    });
  });

  describe('the main thread and the watchdog', () => {
    it('the main event loop keeps ticking while a script spins', async () => {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      try {
        const r = await pool.run({ source: 'function hook() { for (;;) {} }', limits: { timeoutMs: 1000 } });
        expectFailure(r, 'Timeout');
      } finally {
        clearInterval(timer);
      }
      assert.ok(ticks >= 2, `the interval ticked ${ticks} times during a 1 s stuck script`);
    });

    it('a worker stuck in native code is terminated and replaced; the call is Timeout', async () => {
      const hanging = new ScriptPool({ size: 1, graceMs: 1000, workerFile: path.join(__dirname, 'fixtures', 'hanging-worker.js') });
      try {
        assert.deepEqual(await hanging.run({ source: ECHO, input: { n: 1 } }), { ok: true, output: { n: 1 } });
        let ticks = 0;
        const timer = setInterval(() => ticks++, 10);
        const r = await hanging.run({ source: `${HANG_MARKER}\nfunction hook() { return {}; }`, limits: { timeoutMs: 50 } }).finally(() => clearInterval(timer));
        expectFailure(r, 'Timeout');
        assert.ok(ticks >= 2, `the interval ticked ${ticks} times while the worker hung`);
        assert.equal(hanging.stats().replaced, 1);
        assert.deepEqual(await hanging.run({ source: ECHO, input: { n: 2 } }), { ok: true, output: { n: 2 } });
      } finally {
        await hanging.close();
      }
    });

    it('a worker that dies mid-call is WorkerCrashed and replaced', async () => {
      const crashing = new ScriptPool({ size: 1, workerFile: path.join(__dirname, 'fixtures', 'hanging-worker.js') });
      try {
        expectFailure(await crashing.run({ source: `${CRASH_MARKER}\nfunction hook() { return {}; }` }), 'WorkerCrashed');
        assert.deepEqual(await crashing.run({ source: ECHO, input: { n: 3 } }), { ok: true, output: { n: 3 } });
        assert.equal(crashing.stats().replaced, 1);
      } finally {
        await crashing.close();
      }
    });

    it('the deadline clock reads the thread\'s CPU time on Linux', function () {
      if (process.platform !== 'linux') this.skip();
      const before = threadCpuNs();
      assert.equal(typeof before, 'number');
      const end = Date.now() + 30;
      while (Date.now() < end) Math.sqrt(Math.random());
      assert.ok(threadCpuNs()! > before!);
    });

    it('start() starts the workers before any call, without waiting for them', async () => {
      const own = new ScriptPool({ size: 2 });
      try {
        assert.equal(own.stats().workers, 0);
        own.start();
        assert.equal(own.stats().workers, 2);
        await own.ready();
        assert.deepEqual(await own.run({ source: ECHO, input: { n: 1 } }), { ok: true, output: { n: 1 } });
      } finally {
        await own.close();
      }
    });

    it('many calls at once are all answered, each with its own output', async () => {
      const calls = Array.from({ length: 60 }, (_, n) => pool.run({ source: ECHO, input: { n } }));
      const results = await Promise.all(calls);
      results.forEach((r, n) => assert.deepEqual(r, { ok: true, output: { n } }));
      assert.equal(pool.stats().queued, 0);
    });

    it('hostile and normal calls mixed at once: each gets its own answer', async () => {
      const loop = pool.run({ source: 'function hook() { for (;;) {} }' });
      const normal = Array.from({ length: 10 }, (_, n) => pool.run({ source: ECHO, input: { n } }));
      expectFailure(await loop, 'Timeout');
      (await Promise.all(normal)).forEach((r, n) => assert.deepEqual(r, { ok: true, output: { n } }));
    });
  });

  describe('checkScript (create-time)', () => {
    it('a syntax error is reported', async () => {
      assert.match((await pool.check('function hook(input) { return ')) ?? '', /^ScriptError: SyntaxError/);
    });

    it('a script without a hook function is reported', async () => {
      assert.match((await pool.check('var x = 1;')) ?? '', /^ScriptError/);
    });

    it('a valid hook passes', async () => {
      assert.equal(await pool.check(ADD_LABEL), undefined);
    });
  });

  describe('limits', () => {
    it('limits outside their range are refused', () => {
      assert.throws(() => pool.run({ source: ECHO, limits: { timeoutMs: 0 } }), RangeError);
      assert.throws(() => pool.run({ source: ECHO, limits: { memoryLimitMiB: 100000 } }), RangeError);
    });

    it('a larger memory limit lets a script use more memory than the default allows', async () => {
      const source = 'function hook() { const a = []; for (let i = 0; i < 24; i++) a.push("x".repeat(1 << 20) + i); return a.length; }';
      expectFailure(await pool.run({ source, limits: { timeoutMs: 5000 } }), 'MemoryLimit');
      assert.deepEqual(await pool.run({ source, limits: { timeoutMs: 5000, memoryLimitMiB: 64 } }), { ok: true, output: 24 });
    });
  });
});
