/**
 * QuickJS WASM instances for the script worker. The prebuilt quickjs-emscripten module counts a
 * fixed 8 bytes per allocation against runtime.setMemoryLimit (malloc_usable_size is 0 under
 * Emscripten, quickjs-emscripten issues #255/#271), so that limit alone does not bound real memory.
 * The hard bound is the instance's own WebAssembly.Memory: each instance gets a fresh Memory whose
 * `maximum` is the initial heap (16 MiB: static data, the C stack, QuickJS's own structures) plus the
 * call's memory limit. The build's initial heap must be 16 MiB, mostly free after loading, so a
 * ballast (ArrayBuffers held by a private context that never runs user code) fills it, less a little
 * room for a call's own runtime and context: a call can then allocate about its memory limit
 * (+ ~1 MiB) before malloc fails and QuickJS throws "out of memory"; the instance stays usable.
 * The WASM binary is compiled once per worker; instances are cheap.
 */
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { newQuickJSWASMModuleFromVariant, newVariant, RELEASE_SYNC, type QuickJSContext, type QuickJSWASMModule } from 'quickjs-emscripten';

/** The few WebAssembly types used here (the project's lib settings do not include them). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
type WasmModule = object;
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
interface WasmApi {
  Memory: new (d: { initial: number; maximum: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
}

export const PAGE_BYTES = 64 * 1024;
/** The Emscripten build's INITIAL_MEMORY. */
export const INITIAL_BYTES = 16 * 1024 * 1024;

export interface Engine {
  qjs: QuickJSWASMModule;
  memory: WasmMemory;
  /** The Memory's maximum in bytes: INITIAL_BYTES + the memory limit it was made for. */
  maxBytes: number;
  /** The Memory's size once the ballast is in place. */
  baseBytes: number;
  /** Holds the ballast; never runs user code. */
  ballast: QuickJSContext;
}

const BALLAST_CHUNK = 64 * 1024;
/** Ballast chunks given back after the heap first grows: room for a call's runtime and context. */
const ROOM_CHUNKS = 16;

/** Fill the free part of the initial heap (see above); returns the context holding it. */
function addBallast(qjs: QuickJSWASMModule, memory: WasmMemory): QuickJSContext {
  const ctx = qjs.newContext();
  const run = (code: string): void => ctx.unwrapResult(ctx.evalCode(code, 'ballast.js', { type: 'global' })).dispose();
  run(`globalThis.b = []; globalThis.add = () => b.push(new ArrayBuffer(${BALLAST_CHUNK - 256}));`);
  const add = ctx.getProp(ctx.global, 'add');
  for (let i = 0; i < INITIAL_BYTES / BALLAST_CHUNK && memory.buffer.byteLength <= INITIAL_BYTES; i++) {
    ctx.unwrapResult(ctx.callFunction(add, ctx.undefined)).dispose();
  }
  add.dispose();
  run(`b.length = Math.max(0, b.length - ${ROOM_CHUNKS + 1})`);
  return ctx;
}

let compiled: WasmModule | undefined;

function wasmModule(): WasmModule {
  if (!compiled) {
    const from = path.dirname(require.resolve('quickjs-emscripten'));
    const file = require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm', { paths: [from] });
    compiled = new WA.Module(readFileSync(file));
  }
  return compiled;
}

/** A new instance whose whole linear memory is at most INITIAL_BYTES + limitBytes. */
export async function createEngine(limitBytes: number): Promise<Engine> {
  const maxBytes = INITIAL_BYTES + Math.ceil(limitBytes / PAGE_BYTES) * PAGE_BYTES;
  const memory = new WA.Memory({ initial: INITIAL_BYTES / PAGE_BYTES, maximum: maxBytes / PAGE_BYTES });
  const variant = newVariant(RELEASE_SYNC, { wasmModule: wasmModule() as never, wasmMemory: memory as never });
  const qjs = await newQuickJSWASMModuleFromVariant(variant);
  const ballast = addBallast(qjs, memory);
  return { qjs, memory, maxBytes, baseBytes: memory.buffer.byteLength, ballast };
}

/** The instance's memory grew during use: replace it (memory is returned, and an exhausted heap is told apart). */
export function grown(engine: Engine): boolean {
  return engine.memory.buffer.byteLength > engine.baseBytes;
}

/** The heap is within 2 MiB of its maximum: an allocation failure here is the memory limit. */
export function exhausted(engine: Engine): boolean {
  return engine.memory.buffer.byteLength >= engine.maxBytes - 2 * 1024 * 1024;
}
