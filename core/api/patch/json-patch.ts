/**
 * JSON Patch, RFC 6902 (`application/json-patch+json`), applied with fast-json-patch.
 *
 * Errors follow the apiserver (`handlers/patch.go`):
 * - a body that is not a list of well-formed operations → 400 BadRequest;
 * - more than 10000 operations → 413 RequestEntityTooLarge;
 * - an operation that cannot be applied (failed `test`, missing path, bad array index, …)
 *   → 422 Invalid, "the server rejected our request due to an error in our request", with the
 *   detail in `details.causes`.
 * Neither the document nor the patch is mutated.
 */
import * as jsonpatch from 'fast-json-patch';
import { statusError } from '../status';
import { clone, has, isObject } from './util';

export type JsonPatchOp = 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';

export interface JsonPatchOperation {
  op: JsonPatchOp;
  path: string;
  from?: string;
  value?: unknown;
}

/** The apiserver's `maxJSONPatchOperations`. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

const OPS: ReadonlySet<string> = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

function validPointer(p: unknown): p is string {
  if (typeof p !== 'string') return false;
  if (p !== '' && !p.startsWith('/')) return false;
  return !/~(?![01])/.test(p);
}

function badOp(index: number, why: string): never {
  throw statusError('BadRequest', `invalid JSON patch operation ${index}: ${why}`);
}

/**
 * Check that `body` is a JSON Patch document: a list of objects, each with a known `op`, valid JSON
 * pointers in `path` (and `from` for move/copy) and a `value` for add/replace/test.
 * Throws 400 BadRequest (or 413 when there are too many operations).
 */
export function validateJsonPatch(body: unknown): JsonPatchOperation[] {
  if (!Array.isArray(body)) {
    throw statusError('BadRequest', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  }
  if (body.length > MAX_JSON_PATCH_OPERATIONS) {
    throw statusError(
      'RequestEntityTooLarge',
      `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${body.length}`,
    );
  }
  body.forEach((op: unknown, i) => {
    if (!isObject(op)) badOp(i, 'not an object');
    if (typeof op.op !== 'string' || !OPS.has(op.op)) badOp(i, `unknown op ${JSON.stringify(op.op ?? null)}`);
    if (!validPointer(op.path)) badOp(i, `invalid path ${JSON.stringify(op.path ?? null)}`);
    if ((op.op === 'move' || op.op === 'copy') && !validPointer(op.from)) {
      badOp(i, `invalid from ${JSON.stringify(op.from ?? null)}`);
    }
    if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && !has(op, 'value')) {
      badOp(i, `missing value for ${op.op}`);
    }
  });
  return body as JsonPatchOperation[];
}

function cannotApply(detail: string): never {
  throw statusError('Invalid', 'the server rejected our request due to an error in our request', {
    causes: [{ reason: 'FieldValueInvalid', message: detail }],
  });
}

function describe(err: unknown, ops: JsonPatchOperation[]): string {
  if (err instanceof jsonpatch.JsonPatchError) {
    const op = typeof err.index === 'number' ? ops[err.index] : undefined;
    if (err.name === 'TEST_OPERATION_FAILED' && op) {
      return `testing value ${op.path} failed: test operation failed`;
    }
    const where = op ? `${op.op} operation does not apply to ${JSON.stringify(op.path)}` : 'patch does not apply';
    return `${where}: ${err.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Apply an RFC 6902 patch to `doc`; returns a new object. */
export function applyJsonPatch(doc: object, patchBody: unknown): object {
  const ops = validateJsonPatch(patchBody);
  for (const op of ops) {
    if (op.op === 'move' && op.from !== undefined && op.path.startsWith(`${op.from}/`)) {
      cannotApply(`move operation cannot move ${JSON.stringify(op.from)} into one of its children`);
    }
  }
  let result: unknown;
  try {
    result = jsonpatch.applyPatch(clone(doc), clone(ops) as jsonpatch.Operation[], true, true, true).newDocument;
  } catch (err) {
    cannotApply(describe(err, ops));
  }
  if (!isObject(result)) cannotApply('the patched document is not a JSON object');
  return result;
}
