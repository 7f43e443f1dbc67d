/**
 * One script call inside QuickJS (WASM): a FRESH runtime and context per call, with the memory,
 * stack and CPU-deadline limits set on the runtime before any user code runs. Nothing is injected
 * into the context: no host functions, no std/os modules, no module loader, no timers. The input
 * enters as a JSON string parsed by the VM's own JSON.parse, the output leaves as the string from
 * the VM's own JSON.stringify (both captured before the user's code runs).
 *
 * Convention: the source is a classic script that defines `function hook(input) { ... }`; its
 * return value (synchronous, JSON-serialisable) is the output.
 *
 * Memory: runtime.setMemoryLimit is set, and the engine's WebAssembly.Memory is the hard bound
 * (engine.ts). Runs in a worker thread (worker.ts). Host-side exceptions (an engine assertion, the worker's
 * native stack) are not caught here: the worker treats them as fatal and is replaced.
 */
import { DefaultIntrinsics, type QuickJSContext, type QuickJSHandle, type QuickJSRuntime } from 'quickjs-emscripten';
import { threadCpuNs } from './cpu-clock';
import { exhausted, type Engine } from './engine';
import { fail, type ResolvedLimits, type ScriptResult } from './limits';

const FILENAME = 'hook.js';
/** Head room granted after a call so the error object can still be read after an out-of-memory. */
const READ_HEADROOM_BYTES = 1024 * 1024;

interface VmError {
  name: string;
  message: string;
  /** Not an object with a name and message (null, a primitive, or unreadable). */
  opaque?: boolean;
}

function readError(ctx: QuickJSContext, h: QuickJSHandle): VmError {
  if (ctx.typeof(h) !== 'object' || ctx.sameValue(h, ctx.null)) {
    const s = ctx.typeof(h) === 'string' ? ctx.getString(h) : ctx.typeof(h) === 'object' ? 'null' : ctx.typeof(h);
    return { name: 'Error', message: `thrown ${s}`, opaque: true };
  }
  const get = (key: string): string => {
    const p = ctx.getProp(h, key);
    try {
      return ctx.typeof(p) === 'string' ? ctx.getString(p) : '';
    } finally {
      p.dispose();
    }
  };
  return { name: get('name'), message: get('message') };
}

/**
 * The interrupt handler: past `timeoutMs` of wall-clock time it reads the thread's CPU time, and
 * stops the script once that reaches `timeoutMs` or wall-clock time reaches `wallLimitMs`. `cpu0`
 * is the thread's CPU time at or before the start of the call (read now when not given): the worker
 * reads it when it goes idle, so the call's path has no system call; the CPU the thread used
 * between then and the call (receiving the request) counts against the call, never for it.
 */
function deadline(limits: ResolvedLimits, cpuAtStart?: number): { check: () => boolean; why?: string } {
  const start = Date.now();
  const cpu0 = cpuAtStart ?? threadCpuNs();
  const wallLimit = Math.max(limits.timeoutMs, limits.wallLimitMs ?? limits.timeoutMs);
  const d: { check: () => boolean; why?: string } = {
    check: () => {
      const wall = Date.now() - start;
      if (wall <= limits.timeoutMs) return false;
      if (cpu0 !== undefined && wall <= wallLimit) {
        const cpu = threadCpuNs();
        if (cpu !== undefined && (cpu - cpu0) / 1e6 < limits.timeoutMs) return false;
      }
      d.why = wall > wallLimit && cpu0 !== undefined ? `ran for ${wallLimit} ms of wall-clock time (the machine is overloaded)` : `exceeded its ${limits.timeoutMs} ms CPU deadline`;
      return true;
    },
  };
  return d;
}

function classify(engine: Engine, ctx: QuickJSContext, h: QuickJSHandle, interrupted: string | undefined, stage: string, limits: ResolvedLimits): ScriptResult {
  if (interrupted) return fail('Timeout', `script ${stage} ${interrupted}`);
  let e: VmError;
  try {
    e = readError(ctx, h);
  } catch {
    e = { name: 'Error', message: 'an exception that cannot be read', opaque: true }; // the heap is too full
  }
  // QuickJS throws InternalError "out of memory", or null when even that error cannot be allocated
  const oom = (e.name === 'InternalError' && /out of memory/i.test(e.message)) || ((e.opaque ?? false) && exhausted(engine));
  if (oom) {
    return fail('MemoryLimit', `script ${stage} exceeded its memory limit of ${limits.memoryLimitBytes / 1048576} MiB`);
  }
  if (/stack overflow|maximum call stack/i.test(e.message)) {
    return fail('StackOverflow', `script ${stage} exceeded its stack limit of ${limits.stackBytes / 1024} KiB`);
  }
  return fail('ScriptError', `${e.name || 'Error'}: ${e.message}`.slice(0, 1024));
}

export interface EvaluateOptions {
  /** Only compile and run the top level, and check that `hook` is a function (create-time check). */
  checkOnly?: boolean;
  /** The thread's CPU time (threadCpuNs) read while idle before this call; read at the start when absent. */
  cpuAtStart?: number;
}

/** A runtime and context that have never run anything (made ahead of a call, used by one call only). */
export interface Fresh {
  rt: QuickJSRuntime;
  ctx: QuickJSContext;
  /** the context's own JSON.parse and JSON.stringify, read before any user code runs */
  parse: QuickJSHandle;
  stringify: QuickJSHandle;
  /** handles a call made; release() disposes them before the context */
  handles: QuickJSHandle[];
}

/**
 * The built-ins of a script's context: the defaults without Proxy and the typed arrays (ArrayBuffer,
 * DataView, Atomics): hooks handle JSON, and leaving them out makes a fresh context ~30% cheaper.
 */
export const SCRIPT_INTRINSICS = Object.freeze({ ...DefaultIntrinsics, Proxy: false, TypedArrays: false });

export function fresh(engine: Engine): Fresh {
  const rt = engine.qjs.newRuntime();
  let ctx: QuickJSContext | undefined;
  const handles: QuickJSHandle[] = [];
  try {
    ctx = rt.newContext({ intrinsics: SCRIPT_INTRINSICS });
    const json = ctx.getProp(ctx.global, 'JSON');
    handles.push(json);
    const parse = ctx.getProp(json, 'parse');
    handles.push(parse);
    const stringify = ctx.getProp(json, 'stringify');
    handles.push(stringify);
    return { rt, ctx, parse, stringify, handles };
  } catch (err) {
    for (const h of handles.reverse()) h.dispose();
    ctx?.dispose();
    rt.dispose();
    throw err;
  }
}

/** Dispose a used runtime and context (the worker does this after posting the answer). */
export function release(vm: Fresh): void {
  for (const h of vm.handles.reverse()) if (h.alive) h.dispose();
  vm.handles = [];
  vm.ctx.dispose();
  vm.rt.dispose();
}

/**
 * Run `source` with `inputJson` under `limits` in `vm` (a Fresh made from `engine`, used once: the
 * caller release()s it, after answering); the output, when ok, is the JSON text.
 */
export function evaluate(
  engine: Engine,
  vm: Fresh,
  source: string,
  inputJson: string,
  limits: ResolvedLimits,
  opts: EvaluateOptions = {},
): ScriptResult & { outputJson?: string } {
  const { rt, ctx } = vm;
  const keep = (h: QuickJSHandle): QuickJSHandle => (vm.handles.push(h), h);
  rt.setMemoryLimit(limits.memoryLimitBytes);
  rt.setMaxStackSize(limits.stackBytes);
  const clock = deadline(limits, opts.cpuAtStart);
  rt.setInterruptHandler(clock.check);
  const { parse, stringify } = vm;

  const ended = (stage: string, error: QuickJSHandle): ScriptResult => {
    keep(error);
    rt.removeInterruptHandler();
    rt.setMemoryLimit(limits.memoryLimitBytes + READ_HEADROOM_BYTES);
    return classify(engine, ctx, error, clock.why, stage, limits);
  };

  const top = ctx.evalCode(source, FILENAME, { type: 'global' });
  if (top.error) return ended('evaluation', top.error);
  keep(top.value);
  const hook = keep(ctx.getProp(ctx.global, 'hook'));
  if (ctx.typeof(hook) !== 'function') return fail('ScriptError', 'the script must define function hook(input)');
  if (opts.checkOnly) return { ok: true, output: undefined };

  const inputStr = keep(ctx.newString(inputJson));
  const input = ctx.callFunction(parse, ctx.undefined, inputStr);
  if (input.error) return ended('input parsing', input.error);
  keep(input.value);
  const out = ctx.callFunction(hook, ctx.undefined, input.value);
  if (out.error) return ended('hook(input)', out.error);
  keep(out.value);
  const state = ctx.getPromiseState(out.value);
  if (!(state.type === 'fulfilled' && state.notAPromise)) {
    if (state.type === 'fulfilled') keep(state.value);
    if (state.type === 'rejected') keep(state.error);
    return fail('BadOutput', 'hook(input) must return its result synchronously, not a Promise');
  }
  const text = ctx.callFunction(stringify, ctx.undefined, out.value);
  if (text.error) return ended('output serialisation', text.error);
  keep(text.value);
  if (ctx.typeof(text.value) !== 'string') return fail('BadOutput', 'hook(input) must return a JSON-serialisable value');
  const length = keep(ctx.getProp(text.value, 'length'));
  if (ctx.getNumber(length) > limits.maxOutputBytes) {
    // decided inside the VM: a string of up to the memory limit is never copied into the worker's heap
    return fail('OutputTooLarge', `the output is larger than ${limits.maxOutputBytes} bytes`);
  }
  const outputJson = ctx.getString(text.value);
  if (Buffer.byteLength(outputJson) > limits.maxOutputBytes) {
    return fail('OutputTooLarge', `the output is larger than ${limits.maxOutputBytes} bytes`);
  }
  rt.removeInterruptHandler();
  return { ok: true, output: undefined, outputJson };
}
