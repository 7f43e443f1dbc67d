/**
 * End-to-end helpers: one `k8ts up` per suite (TLS, port 0, a temp data dir, default sqlite
 * storage) and the real `kubectl` against its kubeconfig. Every kubectl run gets a fresh HOME (so
 * neither kubectl's discovery/http cache nor the Cloud SDK dispatcher's /version cache carries over)
 * and runs in its own process group, killed with SIGKILL on timeout and at the end of the suite.
 * The suite's temp dirs are removed in after(), also when a test failed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { k8tsProcesses, type K8tsUp } from './k8ts-process';
import { tmpDirs } from './tmp';

export const KUBECTL = process.env.K8TS_KUBECTL ?? 'kubectl';

export interface KubectlResult {
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface KubectlOptions {
  /** written to stdin (`-f -`) */
  stdin?: string;
  /** extra environment (e.g. KUBE_EDITOR) */
  env?: NodeJS.ProcessEnv;
  /** default 30 s; the process group is SIGKILLed after it */
  timeoutMs?: number;
}

/** A long-running kubectl (e.g. `get -w`): read its output as it comes, then stop it. */
export interface BackgroundKubectl {
  stdout(): string;
  stderr(): string;
  /** resolves when `re` matches stdout; rejects after `timeoutMs` (with the output so far) or when kubectl exits first */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** SIGKILL the process group and wait for the exit */
  stop(): Promise<KubectlResult>;
  exited(): Promise<KubectlResult>;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): any;
}

export interface Cluster {
  up: K8tsUp;
  kubeconfig: string;
  /** the suite's own temp dir (manifests, scripts) */
  dir: string;
  /** namespace names that existed right after `k8ts up`, before the suite created anything */
  namespacesAtStart: string[] | undefined;
  /** the stderr/stdout of the startup namespace listing, when it failed */
  namespacesAtStartError: string | undefined;
  kubectl(args: string[], opts?: KubectlOptions): Promise<KubectlResult>;
  background(args: string[], opts?: KubectlOptions): BackgroundKubectl;
  /** write a file under the suite dir; returns its path */
  write(name: string, content: string | object, mode?: number): string;
  /** an HTTPS request with the kubeconfig's client certificate (for asserting on exact responses) */
  request(method: string, urlPath: string, body?: unknown, headers?: Record<string, string>): Promise<RawResponse>;
}

export interface UseClusterOptions {
  /** make sure these namespaces exist before the tests run (created via the API if missing) */
  ensureNamespaces?: string[];
  /** a k8ts Configuration (YAML text), written to the suite dir and passed as --config */
  config?: string;
  /** more `k8ts up` flags (e.g. ['--simulated-nodes', '3']) */
  upArgs?: string[];
}

/**
 * Call inside a `describe`: before() starts `k8ts up`, after() kills every process and removes
 * every temp dir. The returned object's fields are valid inside tests.
 */
export function useCluster(opts: UseClusterOptions = {}): Cluster {
  const dirs = tmpDirs();
  const procs = k8tsProcesses();
  const groups = new Set<ChildProcess>();
  const c = {} as Cluster;
  let creds: { ca: Buffer; cert: Buffer; key: Buffer; server: URL } | undefined;

  function runKubectl(args: string[], o: KubectlOptions = {}): { child: ChildProcess; done: Promise<KubectlResult>; out: () => string; err: () => string } {
    const home = dirs.make('k8ts-e2e-home-');
    const full = ['--kubeconfig', c.kubeconfig, ...args];
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, ...o.env };
    delete env.KUBECONFIG;
    const child = spawn(KUBECTL, full, { cwd: c.dir, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    groups.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(o.stdin ?? '');
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, o.timeoutMs ?? 30_000);
    const done = new Promise<KubectlResult>((resolve) => {
      child.once('error', (e) => {
        stderr += String(e);
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        groups.delete(child);
        // the dispatcher's child may outlive it: end the whole group
        killGroup(child);
        resolve({ args, code, signal, stdout, stderr, timedOut });
      });
    });
    return { child, done, out: () => stdout, err: () => stderr };
  }

  c.kubectl = (args, o) => runKubectl(args, o).done;

  c.background = (args, o = {}) => {
    const r = runKubectl(args, { timeoutMs: 120_000, ...o });
    let exitedFlag = false;
    void r.done.then(() => (exitedFlag = true));
    return {
      stdout: r.out,
      stderr: r.err,
      exited: () => r.done,
      waitFor(re, timeoutMs = 15_000) {
        return new Promise((resolve, reject) => {
          const deadline = Date.now() + timeoutMs;
          const tick = () => {
            const m = re.exec(r.out());
            if (m) return resolve(m);
            if (exitedFlag) return reject(new Error(`kubectl ${args.join(' ')} exited before ${re} matched;\nstdout:\n${r.out()}\nstderr:\n${r.err()}`));
            if (Date.now() > deadline) return reject(new Error(`kubectl ${args.join(' ')}: ${re} did not match within ${timeoutMs} ms;\nstdout:\n${r.out()}\nstderr:\n${r.err()}`));
            setTimeout(tick, 50);
          };
          tick();
        });
      },
      async stop() {
        killGroup(r.child);
        return r.done;
      },
    };
  };

  c.write = (name, content, mode) => {
    const file = path.join(c.dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2), mode === undefined ? undefined : { mode });
    return file;
  };

  c.request = (method, urlPath, body, headers = {}) => {
    const k = creds!;
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise<RawResponse>((resolve, reject) => {
      const req = https.request(
        {
          host: k.server.hostname,
          port: k.server.port,
          method,
          path: urlPath,
          ca: k.ca,
          cert: k.cert,
          key: k.key,
          headers: { Accept: 'application/json', ...(data !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
          timeout: 15_000,
        },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: text,
              json: () => JSON.parse(text),
            }),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath}: timed out`)));
      req.on('error', reject);
      if (data !== undefined) req.write(data);
      req.end();
    });
  };

  // if mocha exits without running after() (e.g. --bail, an uncaught error), still end what we started
  const onExit = () => {
    for (const child of groups) killGroup(child);
    if (c.up?.child.pid !== undefined && c.up.child.exitCode === null) c.up.child.kill('SIGKILL');
  };

  before(async function () {
    this.timeout(60_000);
    process.on('exit', onExit);
    c.dir = dirs.make('k8ts-e2e-');
    const args = [...(opts.config === undefined ? [] : ['--config', c.write('k8ts.yaml', opts.config)]), ...(opts.upArgs ?? [])];
    c.up = await procs.up({ dataDir: path.join(c.dir, 'data'), cwd: c.dir, timeoutMs: 45_000, args });
    c.kubeconfig = c.up.kubeconfig;
    const kc = parse(fs.readFileSync(c.kubeconfig, 'utf8'));
    const cluster = kc.clusters[0].cluster;
    const user = kc.users[0].user;
    creds = {
      server: new URL(cluster.server),
      ca: Buffer.from(cluster['certificate-authority-data'], 'base64'),
      cert: Buffer.from(user['client-certificate-data'], 'base64'),
      key: Buffer.from(user['client-key-data'], 'base64'),
    };
    const ns = await c.request('GET', '/api/v1/namespaces').catch((e: Error) => ({ status: 0, body: String(e) }) as RawResponse);
    if (ns.status === 200) c.namespacesAtStart = (JSON.parse(ns.body).items ?? []).map((i: any) => i.metadata?.name);
    else c.namespacesAtStartError = `GET /api/v1/namespaces -> ${ns.status} ${ns.body}`;
    for (const name of opts.ensureNamespaces ?? []) {
      if (c.namespacesAtStart?.includes(name)) continue;
      await c.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }).catch(() => undefined);
    }
  });

  after(async function () {
    this.timeout(30_000);
    for (const child of groups) killGroup(child);
    if (c.up) await Promise.race([c.up.stop('SIGTERM'), new Promise((r) => setTimeout(r, 10_000))]);
    await procs.killAll();
    process.off('exit', onExit);
    dirs.cleanup();
  });

  return c;
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** a one-line description of a kubectl run for assertion messages */
export function show(r: KubectlResult): string {
  return `kubectl ${r.args.join(' ')} -> rc=${r.code}${r.signal ? ` signal=${r.signal}` : ''}${r.timedOut ? ' (timed out)' : ''}\n--- stdout:\n${r.stdout}\n--- stderr:\n${r.stderr}`;
}

/** parse stdout as JSON, failing with the whole run in the message */
export function json(r: KubectlResult): any {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`stdout is not JSON: ${show(r)}`);
  }
}

/** poll `fn` until it returns a truthy value; rejects with the last value after `timeoutMs` */
export async function until<T>(what: string, fn: () => Promise<T>, timeoutMs = 15_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * A kubectl runner for suites that start k8ts themselves (in-process, e.g. with the controllers and
 * the fake kubelet): every run gets a fresh HOME and its own process group, SIGKILLed on timeout.
 * Call `cleanup()` in after() to remove the HOME dirs.
 */
export function kubectlRunner(target: () => { kubeconfig: string; cwd: string }): {
  run(args: string[], timeoutMs?: number): Promise<KubectlResult>;
  cleanup(): void;
} {
  const homes: string[] = [];
  return {
    run(args, timeoutMs = 45_000) {
      const { kubeconfig, cwd } = target();
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-kubectl-home-'));
      homes.push(home);
      const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
      delete env.KUBECONFIG;
      return new Promise((resolve) => {
        const child = spawn(KUBECTL, ['--kubeconfig', kubeconfig, ...args], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        let timedOut = false;
        child.stdout!.on('data', (d: Buffer) => (stdout += d));
        child.stderr!.on('data', (d: Buffer) => (stderr += d));
        const timer = setTimeout(() => ((timedOut = true), killGroup(child)), timeoutMs);
        child.on('error', (e) => (stderr += String(e)));
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          killGroup(child);
          resolve({ args, code, signal, stdout, stderr, timedOut });
        });
      });
    },
    cleanup() {
      for (const h of homes.splice(0)) fs.rmSync(h, { recursive: true, force: true });
    },
  };
}
