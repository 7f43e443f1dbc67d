/**
 * The output shape of an admission script hook, checked before the DSL uses it:
 * `{ allowed: boolean, message?: string, reason?: string, warnings?: string[], patch?: JsonPatchOperation[] }`
 * (`reason`, CamelCase like a Status reason, is the denial's reason; the DSL defaults it to Forbidden).
 * The patch is checked for JSON Patch shape only (RFC 6902 operations and pointers, as the API's
 * own JSON Patch requests); the DSL applies it and re-validates the patched object.
 */
import { StatusError } from '../../../core/api/status';
import { validateJsonPatch, type JsonPatchOperation } from '../../../core/api/patch/json-patch';

export interface AdmissionScriptOutput {
  allowed: boolean;
  message?: string;
  reason?: string;
  warnings?: string[];
  patch?: JsonPatchOperation[];
}

export const MAX_MESSAGE_LENGTH = 1024;
export const MAX_WARNINGS = 32;
export const MAX_WARNING_LENGTH = 256;
const KEYS: ReadonlySet<string> = new Set(['allowed', 'message', 'reason', 'warnings', 'patch']);
const REASON = /^[A-Z][A-Za-z]{0,63}$/;

export type AdmissionOutputCheck = { ok: true; value: AdmissionScriptOutput } | { ok: false; reason: 'BadOutput'; message: string };

function bad(message: string): AdmissionOutputCheck {
  return { ok: false, reason: 'BadOutput', message };
}

/** Check a script's output against the admission shape; the failure reason is BadOutput. */
export function validateAdmissionOutput(output: unknown): AdmissionOutputCheck {
  if (!output || typeof output !== 'object' || Array.isArray(output)) return bad('hook(input) must return an object { allowed, message?, reason?, warnings?, patch? }');
  const o = output as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !KEYS.has(k));
  if (unknown.length) return bad(`unknown output fields: ${unknown.slice(0, 5).join(', ')}`);
  if (typeof o.allowed !== 'boolean') return bad('output.allowed must be a boolean');
  if (o.message !== undefined && (typeof o.message !== 'string' || o.message.length > MAX_MESSAGE_LENGTH)) {
    return bad(`output.message must be a string of at most ${MAX_MESSAGE_LENGTH} characters`);
  }
  if (o.reason !== undefined && (typeof o.reason !== 'string' || !REASON.test(o.reason))) {
    return bad('output.reason must be a CamelCase word of at most 64 letters, like a Status reason');
  }
  if (o.warnings !== undefined) {
    const w = o.warnings;
    if (!Array.isArray(w) || w.length > MAX_WARNINGS || !w.every((x) => typeof x === 'string' && x.length <= MAX_WARNING_LENGTH)) {
      return bad(`output.warnings must be a list of at most ${MAX_WARNINGS} strings of at most ${MAX_WARNING_LENGTH} characters`);
    }
  }
  const value: AdmissionScriptOutput = { allowed: o.allowed };
  if (o.message !== undefined) value.message = o.message as string;
  if (o.reason !== undefined) value.reason = o.reason as string;
  if (o.warnings !== undefined) value.warnings = o.warnings as string[];
  if (o.patch !== undefined) {
    if (!o.allowed) return bad('output.patch is only allowed when output.allowed is true');
    try {
      value.patch = validateJsonPatch(o.patch);
    } catch (err) {
      if (err instanceof StatusError) return bad(`output.patch: ${err.status.message}`);
      throw err;
    }
  }
  return { ok: true, value };
}
