/** sqlite backend: bad files, double opens, restarts, and the periodic compactor. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { openSqliteStorage } from '../../core/storage/sqlite';
import { isStorageError, type Storage } from '../../core/storage/types';

async function openFails(file: string): Promise<Error> {
  try {
    const s = await openSqliteStorage({ path: file });
    await s.close();
  } catch (err) {
    assert.ok(err instanceof Error);
    return err;
  }
  assert.fail(`opening ${file} should have failed`);
}

/** Poll `cond` until it holds; the limit only turns a hang into a readable failure. */
async function eventually(cond: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15000;
  while (!(await cond())) {
    if (Date.now() > deadline) assert.fail(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('sqlite storage: files and restarts', function () {
  let dir = '';
  let file = '';
  const open: Storage[] = [];
  const track = (s: Storage): Storage => {
    open.push(s);
    return s;
  };

  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-sqlite-faults-'));
    file = path.join(dir, 'state.db');
  });

  afterEach(async function () {
    for (const s of open.splice(0)) await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rejects a file that is not a database with one error naming the file', async function () {
    fs.writeFileSync(file, Buffer.alloc(16384, 'this is not a database. '));
    const err = await openFails(file);
    assert.ok(err.message.includes(file), err.message);
    assert.ok(isStorageError(err, 'Internal'));
  });

  it('rejects a file another storage in this process holds, naming the file', async function () {
    const first = track(await openSqliteStorage({ path: file }));
    const err = await openFails(file);
    assert.ok(err.message.includes(file), err.message);
    assert.ok(isStorageError(err, 'Unavailable'));
    await first.create('/registry/x/still-works', '1');
  });

  it('rejects a file another process holds, naming the file', async function () {
    const child: ChildProcess = spawn(process.execPath, [path.join(__dirname, 'crash-child.js'), file, '1'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.on('error', reject);
        child.on('exit', () => reject(new Error('child exited before opening the file')));
        readline.createInterface({ input: child.stdout! }).once('line', () => resolve());
      });
      const err = await openFails(file);
      assert.ok(err.message.includes(file), err.message);
      assert.ok(isStorageError(err, 'Unavailable'));
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.once('exit', r)));
    }
  });

  it('creates the directory of a new file', async function () {
    const nested = path.join(dir, 'a', 'b', 'state.db');
    track(await openSqliteStorage({ path: nested }));
    assert.ok(fs.existsSync(nested));
  });

  it('keeps keys and the revision across a close and reopen', async function () {
    const s = await openSqliteStorage({ path: file });
    const kv = await s.create('/registry/x/a', '1');
    await s.close();
    const again = track(await openSqliteStorage({ path: file }));
    assert.deepEqual(await again.get('/registry/x/a'), kv);
    assert.equal(await again.currentRevision(), kv.modRevision);
  });

  it('keeps the compacted revision across a restart (Expired survives)', async function () {
    const s = await openSqliteStorage({ path: file });
    const a = await s.create('/registry/x/a', '1');
    const b = await s.update('/registry/x/a', '2', a.modRevision);
    await s.compact(b.modRevision);
    await s.close();
    const again = track(await openSqliteStorage({ path: file }));
    assert.equal(await again.compactedRevision(), b.modRevision);
    await assert.rejects(again.get('/registry/x/a', { revision: a.modRevision }), (e: unknown) => isStorageError(e, 'Expired'));
  });

  it('never reuses a revision after the newest rows are deleted and compacted', async function () {
    const s = await openSqliteStorage({ path: file });
    await s.create('/registry/x/a', '1');
    const d = await s.delete('/registry/x/a');
    await s.compact(d.modRevision);
    await s.close();
    const again = track(await openSqliteStorage({ path: file }));
    const next = await again.create('/registry/x/b', '1');
    assert.ok(next.modRevision > d.modRevision);
  });

  it('fails writes after close with Unavailable', async function () {
    const s = await openSqliteStorage({ path: file });
    await s.close();
    await assert.rejects(s.create('/registry/x/a', '1'), (e: unknown) => isStorageError(e, 'Unavailable'));
  });

  it('compacts periodically beyond the history window, keeping the latest value of every key', async function () {
    const s = track(await openSqliteStorage({ path: file, historyWindowSeconds: 0, compactIntervalSeconds: 0.02 }));
    let a = await s.create('/registry/x/a', '0');
    for (let i = 1; i <= 5; i++) a = await s.update('/registry/x/a', String(i), a.modRevision);
    const b = await s.create('/registry/x/b', 'b');
    await eventually(async () => (await s.compactedRevision()) >= b.modRevision, 'the compactor to reach the last write');
    const items = (await s.list('/registry/x/')).items;
    assert.deepEqual(items.map((kv) => [kv.key, kv.value]), [['/registry/x/a', '5'], ['/registry/x/b', 'b']]);
  });

  it('physically removes superseded rows when compacting', async function () {
    const s = await openSqliteStorage({ path: file, compactIntervalSeconds: 0 });
    let a = await s.create('/registry/x/a', '0');
    for (let i = 1; i <= 50; i++) a = await s.update('/registry/x/a', String(i), a.modRevision);
    const gone = await s.create('/registry/x/gone', '1');
    await s.delete('/registry/x/gone', gone.modRevision);
    await s.compact(await s.currentRevision());
    await s.close();
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(file, { readonly: true });
    try {
      const rows = db.prepare('SELECT name, value FROM kv ORDER BY id').all() as { name: string; value: string }[];
      assert.deepEqual(rows, [{ name: '/registry/x/a', value: '50' }, { name: '/registry/x/gone', value: '1' }]);
    } finally {
      db.close();
    }
  });
});
