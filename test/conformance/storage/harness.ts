/** Shared plumbing for the storage conformance and linearizability suites. */
import assert from 'node:assert/strict';
import {
  isStorageError,
  type Storage,
  type StorageError,
  type StorageErrorCode,
  type WatchEvent,
  type WatchHandler,
} from '../../../core/storage/types';

export interface OpenedStorage {
  storage: Storage;
  cleanup(): Promise<void>;
}

export type OpenStorage = () => Promise<OpenedStorage>;

let prefixCounter = 0;

/** A key prefix no other test (or earlier run against a shared etcd) uses. */
export function uniquePrefix(tag = 'conformance'): string {
  prefixCounter++;
  return `/registry/${tag}/${process.pid}-${Date.now().toString(36)}-${prefixCounter}/`;
}

/** Per-test storage: a fresh backend and a fresh key prefix for every `it`. */
export interface TestContext {
  readonly s: Storage;
  /** unique prefix for this test, ending with '/' */
  readonly p: string;
}

export function useStorage(open: OpenStorage): TestContext {
  let opened: OpenedStorage | undefined;
  let prefix = '';
  beforeEach(async function () {
    opened = await open();
    prefix = uniquePrefix();
  });
  afterEach(async function () {
    const o = opened;
    opened = undefined;
    await o?.cleanup();
  });
  return {
    get s(): Storage {
      if (!opened) throw new Error('storage is not open (used outside an it?)');
      return opened.storage;
    },
    get p(): string {
      return prefix;
    },
  };
}

/** Await `p` and assert it rejects with a StorageError of `code`; returns the error. */
export async function rejectsWithCode(p: Promise<unknown>, code: StorageErrorCode): Promise<StorageError> {
  let result: unknown;
  try {
    result = await p;
  } catch (err) {
    assert.ok(isStorageError(err), `expected StorageError ${code}, got ${String(err)}`);
    assert.equal(err.code, code, `expected code ${code}, got ${err.code}: ${err.message}`);
    return err;
  }
  assert.fail(`expected StorageError ${code}, but it resolved to ${JSON.stringify(result)}`);
}

/** A watch handler that records what it receives and lets a test wait for a condition. */
export class WatchRecorder implements WatchHandler {
  readonly events: WatchEvent[] = [];
  readonly errors: StorageError[] = [];
  private waiters: (() => void)[] = [];

  next(event: WatchEvent): void {
    this.events.push(event);
    this.wake();
  }

  error(err: StorageError): void {
    this.errors.push(err);
    this.wake();
  }

  /** Wait until `cond()` holds. The time limit only turns a hang into a readable failure. */
  async waitFor(cond: () => boolean, what: string, limitMs = 15000): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (!cond()) {
      const left = deadline - Date.now();
      if (left <= 0) {
        assert.fail(`watch: gave up waiting for ${what}; got ${this.events.length} events, errors: ${this.errors.map((e) => e.code).join(',')}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Wait for an event at or beyond `revision` (or an error). */
  untilRevision(revision: number, limitMs?: number): Promise<void> {
    return this.waitFor(
      () => this.errors.length > 0 || (this.events.length > 0 && this.events[this.events.length - 1].revision >= revision),
      `revision ${revision}`,
      limitMs,
    );
  }

  untilError(): Promise<void> {
    return this.waitFor(() => this.errors.length > 0, 'an error');
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/** Revisions of `events`, for compact assertions. */
export function revisions(events: readonly WatchEvent[]): number[] {
  return events.map((e) => e.revision);
}
