/** Conformance: list, prefixes, pagination with continue tokens, reads at past revisions. */
import assert from 'node:assert/strict';
import type { KeyValue, ListResult } from '../../../core/storage/types';
import { rejectsWithCode, type TestContext } from './harness';

const keysOf = (items: readonly KeyValue[]): string[] => items.map((kv) => kv.key);

async function createAll(t: TestContext, names: readonly string[]): Promise<KeyValue[]> {
  const out: KeyValue[] = [];
  for (const n of names) out.push(await t.s.create(`${t.p}${n}`, `v-${n}`));
  return out;
}

/** Follow continue tokens to the end; returns every page. */
async function allPages(t: TestContext, prefix: string, first: ListResult, limit: number): Promise<ListResult[]> {
  const pages = [first];
  while (pages[pages.length - 1].continue) {
    pages.push(await t.s.list(prefix, { limit, continue: pages[pages.length - 1].continue }));
  }
  return pages;
}

export function listBehaviours(t: TestContext): void {
  it('lists the keys under a prefix in key order', async function () {
    await createAll(t, ['c', 'a', 'b/x', 'b']);
    const r = await t.s.list(t.p);
    assert.deepEqual(keysOf(r.items), ['a', 'b', 'b/x', 'c'].map((n) => `${t.p}${n}`));
  });

  it('returns the values, createRevision and modRevision of listed keys', async function () {
    const created = await createAll(t, ['a', 'b']);
    const r = await t.s.list(t.p);
    assert.deepEqual(r.items, created);
  });

  it('does not see keys of a sibling prefix (ns1/ vs ns10/)', async function () {
    await createAll(t, ['ns1/a', 'ns10/b', 'ns1', 'ns2/c']);
    const r = await t.s.list(`${t.p}ns1/`);
    assert.deepEqual(keysOf(r.items), [`${t.p}ns1/a`]);
  });

  it('does not list deleted keys', async function () {
    await createAll(t, ['a', 'b', 'c']);
    await t.s.delete(`${t.p}b`);
    assert.deepEqual(keysOf((await t.s.list(t.p)).items), [`${t.p}a`, `${t.p}c`]);
  });

  it('serves a list at the current revision when no revision is given', async function () {
    await createAll(t, ['a']);
    const r = await t.s.list(t.p);
    assert.equal(r.revision, await t.s.currentRevision());
  });

  it('lists the key space as it was at an older revision', async function () {
    const [a] = await createAll(t, ['a', 'b']);
    const atB = await t.s.currentRevision();
    await t.s.update(`${t.p}a`, 'new', a.modRevision);
    await t.s.delete(`${t.p}b`);
    await t.s.create(`${t.p}c`, 'v');
    const r = await t.s.list(t.p, { revision: atB });
    assert.equal(r.revision, atB);
    assert.deepEqual(r.items.map((kv) => [kv.key, kv.value]), [[`${t.p}a`, 'v-a'], [`${t.p}b`, 'v-b']]);
  });

  it('pages with limit and continue through every key exactly once', async function () {
    const names = Array.from({ length: 11 }, (_, i) => `k${String(i).padStart(2, '0')}`);
    await createAll(t, names);
    const pages = await allPages(t, t.p, await t.s.list(t.p, { limit: 3 }), 3);
    assert.deepEqual(pages.map((pg) => pg.items.length), [3, 3, 3, 2]);
    assert.deepEqual(pages.flatMap((pg) => keysOf(pg.items)), names.map((n) => `${t.p}${n}`));
  });

  it('serves every page at the first page revision while writes happen', async function () {
    const names = Array.from({ length: 9 }, (_, i) => `k${i}`);
    const created = await createAll(t, names);
    const first = await t.s.list(t.p, { limit: 3 });
    const snapshot = await t.s.list(t.p);
    // writes after the first page: into pages not read yet, and into the read one
    await t.s.update(`${t.p}k7`, 'changed', created[7].modRevision);
    await t.s.delete(`${t.p}k5`);
    await t.s.create(`${t.p}k4a`, 'new');
    await t.s.delete(`${t.p}k0`);
    const pages = await allPages(t, t.p, first, 3);
    assert.deepEqual(new Set(pages.map((pg) => pg.revision)), new Set([first.revision]));
    assert.deepEqual(pages.flatMap((pg) => pg.items), snapshot.items);
  });

  it('counts the items after a page in remainingItemCount', async function () {
    await createAll(t, ['a', 'b', 'c', 'd', 'e']);
    const r = await t.s.list(t.p, { limit: 2 });
    assert.equal(r.remainingItemCount, 3);
  });

  it('returns no continue token on the last page', async function () {
    await createAll(t, ['a', 'b', 'c', 'd']);
    const first = await t.s.list(t.p, { limit: 2 });
    const last = await t.s.list(t.p, { limit: 2, continue: first.continue });
    assert.equal(last.continue, undefined);
  });

  it('returns no continue token when everything fits in the limit', async function () {
    await createAll(t, ['a', 'b']);
    const r = await t.s.list(t.p, { limit: 2 });
    assert.equal(r.continue, undefined);
  });

  it('rejects a malformed continue token with InvalidContinue', async function () {
    await createAll(t, ['a']);
    await rejectsWithCode(t.s.list(t.p, { limit: 1, continue: 'not-a-token!' }), 'InvalidContinue');
  });

  it('rejects a continue token that decodes to garbage with InvalidContinue', async function () {
    const token = Buffer.from(JSON.stringify({ rv: 'x', start: 7 })).toString('base64');
    await rejectsWithCode(t.s.list(t.p, { limit: 1, continue: token }), 'InvalidContinue');
  });

  it('lists an empty prefix as no items', async function () {
    const r = await t.s.list(`${t.p}nothing/`);
    assert.deepEqual(r.items, []);
    assert.equal(r.continue, undefined);
  });
}
