/**
 * Durability under kill -9: a child writes under load (crash-child.ts) and prints each write only
 * after it was acknowledged; we SIGKILL it at a random moment, reopen the file, and check that every
 * acknowledged write is there and that the revision never went backwards. Repeated many times on
 * one file (so later rounds also recover from earlier crashes).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { openSqliteStorage } from '../../core/storage/sqlite';

const ROUNDS = 24;
const CHILD = path.join(__dirname, 'crash-child.js');

interface Ack {
  key: string;
  value: string;
  rev: number;
}

interface Round {
  killAfterMs: number;
  readyRevision: number;
  acks: Ack[];
  signal: NodeJS.Signals | null;
  stderr: string;
  /** acknowledged writes missing or older after the restart */
  lost: string[];
  /** currentRevision when reopened after the kill */
  revisionAfter: number;
}

/** Run the child until a random kill; returns what it acknowledged. */
function runChild(file: string): Promise<Omit<Round, 'lost' | 'revisionAfter'>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, file, '32'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const killAfterMs = 50 + Math.floor(Math.random() * 350);
    const acks: Ack[] = [];
    let readyRevision = -1;
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      let msg: Partial<Ack> & { ready?: number };
      try {
        msg = JSON.parse(line) as Partial<Ack> & { ready?: number };
      } catch {
        return; // a line cut by the kill
      }
      if (msg.ready !== undefined) {
        readyRevision = msg.ready;
        timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      } else if (msg.key && msg.value !== undefined && msg.rev !== undefined) {
        acks.push({ key: msg.key, value: msg.value, rev: msg.rev });
      }
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ killAfterMs, readyRevision, acks, signal, stderr });
    });
  });
}

/** Reopen the file and compare with the acknowledged writes (latest ack per key). */
async function verify(file: string, acks: Map<string, Ack>): Promise<{ lost: string[]; revisionAfter: number }> {
  const storage = await openSqliteStorage({ path: file, compactIntervalSeconds: 0 });
  try {
    const lost: string[] = [];
    for (const ack of acks.values()) {
      const kv = await storage.get(ack.key);
      const newEnough = kv !== undefined && kv.modRevision >= ack.rev && (ack.key.includes('/counters/') ? Number(kv.value) >= Number(ack.value) : kv.value === ack.value);
      if (!newEnough) lost.push(`${ack.key}: acknowledged ${ack.value}@${ack.rev}, found ${kv ? `${kv.value}@${kv.modRevision}` : 'nothing'}`);
    }
    return { lost, revisionAfter: await storage.currentRevision() };
  } finally {
    await storage.close();
  }
}

describe('sqlite storage: kill -9 under load', function () {
  this.timeout(120000);
  const rounds: Round[] = [];
  let dir = '';

  before(async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-crash-'));
    const file = path.join(dir, 'state.db');
    const acked = new Map<string, Ack>();
    for (let i = 0; i < ROUNDS; i++) {
      const run = await runChild(file);
      for (const a of run.acks) {
        const prev = acked.get(a.key);
        if (!prev || a.rev > prev.rev) acked.set(a.key, a);
      }
      rounds.push({ ...run, ...(await verify(file, acked)) });
    }
  });

  after(function () {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const describeRound = (r: Round, i: number): string =>
    `round ${i}: killed after ${r.killAfterMs}ms by ${String(r.signal)}, ${r.acks.length} acks${r.stderr ? `, stderr: ${r.stderr}` : ''}`;

  it(`kills the writer with SIGKILL mid-load in each of ${ROUNDS} rounds`, function () {
    for (const [i, r] of rounds.entries()) {
      assert.equal(r.signal, 'SIGKILL', describeRound(r, i));
      assert.ok(r.readyRevision >= 0, describeRound(r, i));
    }
    assert.ok(rounds.filter((r) => r.acks.length > 0).length >= ROUNDS / 2, rounds.map(describeRound).join('\n'));
  });

  it('finds every acknowledged write after the restart', function () {
    const lost = rounds.flatMap((r, i) => r.lost.map((l) => `round ${i}: ${l}`));
    assert.deepEqual(lost, []);
  });

  it('never moves the revision backwards across restarts', function () {
    let floor = 0;
    for (const [i, r] of rounds.entries()) {
      const maxAck = Math.max(0, ...r.acks.map((a) => a.rev));
      assert.ok(r.readyRevision >= floor, `round ${i}: opened at ${r.readyRevision}, below ${floor}`);
      assert.ok(r.revisionAfter >= Math.max(maxAck, r.readyRevision), `round ${i}: reopened at ${r.revisionAfter}, acked up to ${maxAck}`);
      floor = r.revisionAfter;
    }
  });
});
