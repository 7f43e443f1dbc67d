/**
 * List continue tokens, in the shape Kubernetes uses: base64url(JSON {v, rv, start}) where `rv` is
 * the revision the first page was served at and `start` is the next key to read, relative to the
 * listed prefix. Opaque to clients; a token that does not parse is `InvalidContinue`.
 */
import { StorageError } from './types';

const VERSION = 'meta.k8s.io/v1';

export interface ContinuePosition {
  /** the revision every page of this listing is read at */
  revision: number;
  /** the first key (absolute) of the next page */
  startKey: string;
}

/** Token for the page after `lastKey` (the last key returned) of a listing of `prefix` at `revision`. */
export function encodeContinue(prefix: string, revision: number, lastKey: string): string {
  if (!lastKey.startsWith(prefix)) throw new Error(`continue: key ${lastKey} is outside prefix ${prefix}`);
  // the next page starts right after lastKey: the smallest key greater than it
  const start = lastKey.slice(prefix.length) + '\u0000';
  return Buffer.from(JSON.stringify({ v: VERSION, rv: revision, start }), 'utf8').toString('base64url');
}

/** Decode a token for a listing of `prefix`; throws StorageError InvalidContinue if malformed. */
export function decodeContinue(prefix: string, token: string): ContinuePosition {
  const invalid = (why: string): StorageError => new StorageError('InvalidContinue', `invalid continue token: ${why}`);
  if (typeof token !== 'string' || token.length === 0 || !/^[A-Za-z0-9_\-+/]+={0,2}$/.test(token)) {
    throw invalid('not base64');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, token.includes('+') || token.includes('/') ? 'base64' : 'base64url').toString('utf8'));
  } catch {
    throw invalid('not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid('not an object');
  const { v, rv, start } = parsed as Record<string, unknown>;
  if (v !== VERSION) throw invalid(`unsupported version ${JSON.stringify(v)}`);
  if (typeof rv !== 'number' || !Number.isSafeInteger(rv) || rv <= 0) throw invalid('bad revision');
  if (typeof start !== 'string' || start.length === 0) throw invalid('bad start key');
  return { revision: rv, startKey: prefix + start };
}
