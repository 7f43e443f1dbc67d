/** Assertions shared by the patch engine tests. */
import assert from 'node:assert/strict';
import { StatusError, type StatusReason } from '../status';

/** Run `fn`, expect a StatusError with this reason and code, and return it. */
export function expectStatus(fn: () => unknown, reason: StatusReason, code: number): StatusError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StatusError, `expected a StatusError, got ${String(err)}`);
    assert.equal(err.reason, reason, err.message);
    assert.equal(err.code, code);
    return err;
  }
  assert.fail(`expected a ${reason} StatusError, nothing was thrown`);
}

/** A deep-frozen copy, to prove an engine never mutates its inputs. */
export function frozen<T>(v: T): T {
  const copy = JSON.parse(JSON.stringify(v)) as T;
  const freeze = (x: unknown): void => {
    if (x && typeof x === 'object') {
      Object.freeze(x);
      for (const child of Object.values(x)) freeze(child);
    }
  };
  freeze(copy);
  return copy;
}
