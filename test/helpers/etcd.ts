/**
 * A throwaway etcd server for tests and benchmarks: /usr/bin/etcd (Debian etcd-server) on free
 * loopback ports with a temp data dir. Loopback only; every process and dir is cleaned up on
 * stop(), and leftovers are killed/removed when this process exits or gets SIGINT/SIGTERM/SIGHUP.
 *
 * Fault injection: kill() (SIGKILL, keeps the data dir) then restart() brings the same member back
 * on the same ports and data; pause()/resume() freeze it with SIGSTOP/SIGCONT.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const ETCD_BINARY = process.env.K8TS_ETCD_BINARY ?? '/usr/bin/etcd';

export interface EtcdServer {
  /** http://127.0.0.1:<client port> */
  readonly endpoint: string;
  readonly dataDir: string;
  readonly clientPort: number;
  readonly peerPort: number;
  /** whether the process is currently running (possibly paused) */
  running(): boolean;
  /** start (again) on the same ports and data dir and wait until healthy */
  restart(): Promise<void>;
  /** SIGKILL the process, keep the data dir (restart() brings it back) */
  kill(): Promise<void>;
  /** SIGSTOP: the process keeps its sockets but answers nothing */
  pause(): void;
  /** SIGCONT after pause() */
  resume(): void;
  /** stop the process and remove the data dir; idempotent */
  stop(): Promise<void>;
}

export interface EtcdStartOptions {
  /** false: reserve ports and data dir but do not start yet (call restart() to start) */
  start?: boolean;
  /** how long to wait for /health; default 20s */
  readyTimeoutMs?: number;
}

const live = new Set<Instance>();
let handlersInstalled = false;

function cleanupAllSync(): void {
  for (const inst of live) inst.killSync();
  live.clear();
}

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', cleanupAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      cleanupAllSync();
      process.removeListener(sig, onSignal);
      // if nobody else handles the signal, restore the default action (terminate)
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

/** a free TCP port on 127.0.0.1 (bound then released) */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

function healthy(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${endpoint}/health`, { timeout: 1000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(res.statusCode === 200 && /"health":\s*"true"/.test(body)));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** keep the event loop alive while `p` is pending (the child and its pipes are unref'd) */
async function hold<T>(p: Promise<T>): Promise<T> {
  const timer = setInterval(() => undefined, 1 << 30);
  try {
    return await p;
  } finally {
    clearInterval(timer);
  }
}

class Instance implements EtcdServer {
  readonly endpoint: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private log: string[] = [];
  private removed = false;

  constructor(
    readonly dataDir: string,
    readonly clientPort: number,
    readonly peerPort: number,
    private readonly readyTimeoutMs: number,
  ) {
    this.endpoint = `http://127.0.0.1:${clientPort}`;
  }

  private args(): string[] {
    const peer = `http://127.0.0.1:${this.peerPort}`;
    return [
      '--name', 'default',
      '--data-dir', path.join(this.dataDir, 'member-data'),
      '--listen-client-urls', this.endpoint,
      '--advertise-client-urls', this.endpoint,
      '--listen-peer-urls', peer,
      '--initial-advertise-peer-urls', peer,
      '--initial-cluster', `default=${peer}`,
      '--initial-cluster-state', 'new',
      '--logger', 'zap',
      '--log-level', 'warn',
    ];
  }

  running(): boolean {
    return this.child !== undefined;
  }

  restart(): Promise<void> {
    return hold(this.launch());
  }

  private async launch(): Promise<void> {
    if (this.removed) throw new Error('etcd helper: restart() after stop()');
    if (this.child) await this.kill();
    this.log = [];
    const child = spawn(ETCD_BINARY, this.args(), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    live.add(this);
    const keep = (chunk: Buffer): void => {
      this.log.push(chunk.toString('utf8'));
      if (this.log.length > 50) this.log.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    // a forgotten server must not keep the test process alive; the exit handler kills it
    child.unref();
    (child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
    (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
    let spawnError: Error | undefined;
    this.exited = new Promise<void>((resolve) => {
      child.once('error', (err) => {
        spawnError = err;
        resolve();
      });
      child.once('exit', () => resolve());
    });
    void this.exited.then(() => {
      if (this.child === child) this.child = undefined;
    });
    const deadline = Date.now() + this.readyTimeoutMs;
    while (Date.now() < deadline) {
      if (!this.child) {
        const why = spawnError ? spawnError.message : `exited with code ${child.exitCode ?? child.signalCode}`;
        throw new Error(`etcd helper: ${ETCD_BINARY} ${why}; log tail:\n${this.log.join('').slice(-2000)}`);
      }
      if (await healthy(this.endpoint)) return;
      await sleep(50);
    }
    await this.kill();
    throw new Error(`etcd helper: not healthy within ${this.readyTimeoutMs}ms; log tail:\n${this.log.join('').slice(-2000)}`);
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await hold(this.exited);
    this.child = undefined;
  }

  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child) {
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await hold(this.exited);
      clearTimeout(timer);
      this.child = undefined;
    }
    this.removeDir();
  }

  /** for the exit handler: no awaiting possible */
  killSync(): void {
    if (this.child) {
      this.child.kill('SIGKILL');
      this.child = undefined;
    }
    this.removeDir();
  }

  private removeDir(): void {
    live.delete(this);
    if (this.removed) return;
    this.removed = true;
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** reserve ports and a temp dir, and (unless start: false) start etcd and wait until healthy */
export async function startEtcd(opts: EtcdStartOptions = {}): Promise<EtcdServer> {
  installExitHandlers();
  const clientPort = await freePort();
  let peerPort = await freePort();
  while (peerPort === clientPort) peerPort = await freePort();
  const dataDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'k8ts-etcd-'));
  const inst = new Instance(dataDir, clientPort, peerPort, opts.readyTimeoutMs ?? 20_000);
  live.add(inst);
  if (opts.start === false) return inst;
  try {
    await inst.restart();
  } catch (err) {
    await inst.stop();
    throw err;
  }
  return inst;
}
