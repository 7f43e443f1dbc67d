/**
 * Run the real CLI (`node bin/k8ts.js ...`) as a child process. Every child is killed (SIGKILL)
 * after the test or suite that started it, also when the test failed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** the repository root (the compiled helper lives in dist/test/helpers) */
export const ROOT = process.env.K8TS_ROOT ?? path.resolve(__dirname, '..', '..', '..');
export const BIN = path.join(ROOT, 'bin', 'k8ts.js');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** true when the process had to be killed after `timeoutMs` */
  timedOut: boolean;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** default 30 s */
  timeoutMs?: number;
}

export interface K8tsUp {
  child: ChildProcess;
  /** the URL printed by `k8ts up` */
  url: string;
  port: number;
  dataDir: string;
  kubeconfig: string;
  /** everything printed so far */
  stdout(): string;
  stderr(): string;
  /** send `signal` and wait for the exit */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface UpOptions extends RunOptions {
  /** passed as --data-dir (created by the test's tmp dir helper, or not) */
  dataDir: string;
  /** more flags; `--port 0` is added unless a --port is given */
  args?: string[];
}

export interface K8tsProcesses {
  /** run a command to its end */
  run(args: string[], opts?: RunOptions): Promise<RunResult>;
  /** start `k8ts up` and wait for "k8ts is running at <url>" */
  up(opts: UpOptions): Promise<K8tsUp>;
  /** kill every child still running */
  killAll(): Promise<void>;
}

/** Children are killed in afterEach (scope 'each') or in after (scope 'all'). */
export function useK8tsProcesses(scope: 'each' | 'all' = 'each'): K8tsProcesses {
  const procs = k8tsProcesses();
  if (scope === 'each') afterEach(() => procs.killAll());
  else after(() => procs.killAll());
  return procs;
}

export function k8tsProcesses(): K8tsProcesses {
  const children = new Set<ChildProcess>();

  function spawnK8ts(args: string[], opts: RunOptions): ChildProcess {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  }

  function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
    return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  return {
    async run(args, opts = {}) {
      const child = spawnK8ts(args, opts);
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, opts.timeoutMs ?? 30_000);
      const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
      const { code, signal } = await exited(child);
      await closed;
      clearTimeout(timer);
      return { code, signal, stdout, stderr, timedOut };
    },

    async up(opts) {
      const args = ['up', '--data-dir', opts.dataDir, ...(opts.args ?? [])];
      if (!args.includes('--port')) args.push('--port', '0');
      const child = spawnK8ts(args, opts);
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`k8ts up did not print its URL within ${opts.timeoutMs ?? 30_000} ms; stderr: ${stderr}`));
        }, opts.timeoutMs ?? 30_000);
        const check = () => {
          const m = /k8ts is running at (\S+)/.exec(stdout);
          if (m) {
            clearTimeout(timer);
            child.stdout!.off('data', check);
            resolve(m[1]);
          }
        };
        child.stdout!.on('data', check);
        child.once('exit', (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`k8ts up exited (${code ?? signal}) before it was running; stderr: ${stderr}`));
        });
      });
      const dataDir = path.resolve(opts.cwd ?? ROOT, opts.dataDir);
      return {
        child,
        url,
        port: Number(new URL(url).port),
        dataDir,
        kubeconfig: path.join(dataDir, 'kubeconfig'),
        stdout: () => stdout,
        stderr: () => stderr,
        async stop(signal = 'SIGTERM') {
          const done = exited(child);
          child.kill(signal);
          return done;
        },
      };
    },

    async killAll() {
      const running = [...children];
      for (const child of running) child.kill('SIGKILL');
      await Promise.all(running.map((c) => exited(c)));
    },
  };
}

/** true when `file` exists */
export function exists(file: string): boolean {
  return fs.existsSync(file);
}
