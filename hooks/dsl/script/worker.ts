/**
 * Worker thread entry of the script pool. The QuickJS WASM binary is compiled once; each memory
 * limit gets its own instance (engine.ts: the instance's WebAssembly.Memory is the hard memory
 * bound), and every call runs in a fresh QuickJS runtime and context, made ahead of time while the
 * worker is idle so that creating it is not on the call's path (and disposed after the answer is
 * posted, for the same reason). An instance whose memory grew
 * during a call is dropped and made anew.
 *
 * Protocol (parentPort): the worker posts { type: 'ready' } once the default instance is loaded;
 * requests are { id, source, inputJson, limits, checkOnly? }, answers { id, result, outputJson? }.
 * A host-side exception (the engine aborted, the native stack overflowed) leaves the instance in an
 * unknown state: the worker answers WorkerCrashed and exits, and the pool replaces it.
 */
import { parentPort } from 'node:worker_threads';
import { threadCpuNs } from './cpu-clock';
import { createEngine, grown, type Engine } from './engine';
import { evaluate, fresh, release, type Fresh } from './sandbox';
import { DEFAULT_MEMORY_MIB, MAX_INPUT_BYTES, MAX_OUTPUT_BYTES, STACK_BYTES, type ResolvedLimits } from './limits';

export interface WorkerRequest {
  id: number;
  source: string;
  inputJson: string;
  limits: ResolvedLimits;
  checkOnly?: boolean;
}

if (!parentPort) throw new Error('hooks/dsl/script/worker must run in a worker thread');
const port = parentPort;
const MAX_ENGINES = 3;

interface Slot {
  engine: Engine;
  next?: Fresh;
}
/** By memory limit in bytes, least recently used first. */
const engines = new Map<number, Slot>();

async function slotFor(limitBytes: number): Promise<Slot> {
  let slot = engines.get(limitBytes);
  if (slot) {
    engines.delete(limitBytes);
  } else {
    slot = { engine: await createEngine(limitBytes) };
    while (engines.size >= MAX_ENGINES) engines.delete(engines.keys().next().value!);
  }
  engines.set(limitBytes, slot);
  return slot;
}

/** A few calls before the first real one, so that V8 has compiled (and tiered up) QuickJS's hot paths. */
const WARM_UP_SOURCE = `function hook(input) {
  const labels = Object.assign({}, input.object.metadata.labels);
  const bad = input.object.spec.containers.filter((c) => /:latest$/.test(c.image)).map((c) => c.name);
  return bad.length ? { allowed: false, message: bad.join(', ') } : { allowed: true, patch: labels.team ? [] : [{ op: 'add', path: '/metadata/labels/team', value: 'x' }] };
}`;
const WARM_UP_INPUT = JSON.stringify({ object: { metadata: { name: 'p', labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } } });

function warmUp(slot: Slot, limits: ResolvedLimits): void {
  for (let i = 0; i < 20; i++) {
    const vm = fresh(slot.engine);
    evaluate(slot.engine, vm, WARM_UP_SOURCE, WARM_UP_INPUT, limits);
    release(vm);
  }
}

/** After a call: renew a grown instance, and make the next call's runtime and context. */
async function refill(limitBytes: number, slot: Slot): Promise<void> {
  if (grown(slot.engine)) {
    engines.delete(limitBytes);
    slot = await slotFor(limitBytes);
  }
  slot.next ??= fresh(slot.engine);
}

/**
 * The thread's CPU time when the worker last went idle (after refilling). A call that finds its
 * runtime and context ready uses it as the start of its CPU deadline (no system call on its path);
 * one that first had to make an instance or a context reads the clock when it starts.
 */
let idleCpu: number | undefined;

async function handle(req: WorkerRequest): Promise<void> {
  const limitBytes = req.limits.memoryLimitBytes;
  const cpuAtIdle = idleCpu;
  idleCpu = undefined;
  const slot = await slotFor(limitBytes);
  const ready = slot.next;
  slot.next = undefined;
  const vm = ready ?? fresh(slot.engine);
  const cpuAtStart = ready ? cpuAtIdle : undefined;
  const { outputJson, ...result } = evaluate(slot.engine, vm, req.source, req.inputJson, req.limits, { checkOnly: req.checkOnly, cpuAtStart });
  port.postMessage({ id: req.id, result, outputJson });
  release(vm); // after answering: disposal is off the call's path
  await refill(limitBytes, slot);
  idleCpu = threadCpuNs();
}

function crashed(id: number | undefined, err: unknown): void {
  const message = `script engine failed: ${(err as Error)?.message ?? err}`;
  if (id !== undefined) port.postMessage({ id, result: { ok: false, reason: 'WorkerCrashed', message } });
  else port.postMessage({ type: 'failed', message });
  process.exit(1);
}

let chain: Promise<void> = Promise.resolve();
const defaultBytes = DEFAULT_MEMORY_MIB * 1024 * 1024;
slotFor(defaultBytes)
  .then((slot) => {
    warmUp(slot, { timeoutMs: 10_000, memoryLimitBytes: defaultBytes, stackBytes: STACK_BYTES, maxInputBytes: MAX_INPUT_BYTES, maxOutputBytes: MAX_OUTPUT_BYTES });
    return refill(defaultBytes, slot);
  })
  .then(() => {
    idleCpu = threadCpuNs();
    port.on('message', (req: WorkerRequest) => {
      chain = chain.then(() => handle(req)).catch((err) => crashed(req.id, err));
    });
    port.postMessage({ type: 'ready' });
  }, (err) => crashed(undefined, err));
