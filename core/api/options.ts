/**
 * Query parameters of the REST verbs: ListOptions (list and watch), DeleteOptions (body or query),
 * dryRun, fieldValidation. Malformed values are 400 BadRequest; inconsistent ListOptions are 422
 * Invalid on meta.k8s.io ListOptions, as kube-apiserver answers.
 */
import type { FieldError } from '../registry/types';
import { fieldForbidden, fieldInvalid, fieldNotSupported, invalidError } from './field-errors';
import { decodeBody } from './decode';
import { parseFieldSelector, parseLabelSelector, type FieldGetter, type FieldSelector, type LabelSelector } from './selectors';
import { statusError } from './status';
import { parseIncludeObject, type IncludeObject } from './table';

export type ResourceVersionMatch = 'Exact' | 'NotOlderThan';

export interface ListQuery {
  labelSelector: LabelSelector;
  fieldSelector: FieldSelector;
  /** 0 = no limit */
  limit: number;
  continue?: string;
  /** '' (most recent), '0' (any), or a revision */
  resourceVersion: string;
  resourceVersionMatch?: ResourceVersionMatch;
  timeoutSeconds?: number;
  allowWatchBookmarks: boolean;
  sendInitialEvents?: boolean;
  includeObject: IncludeObject;
}

function isTrue(v: string | null): boolean {
  return v === 'true' || v === '1' || v === 'True';
}

function nonNegativeInt(name: string, v: string | null): number | undefined {
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v.trim())) throw statusError('BadRequest', `invalid value for ${name}: ${JSON.stringify(v)}: must be an integer`);
  const n = Number(v.trim());
  return n < 0 ? 0 : n;
}

/** A resourceVersion from a client: a non-negative integer string; anything else is 400. */
export function parseResourceVersion(rv: string, what = 'resourceVersion'): number {
  if (!/^\d{1,16}$/.test(rv)) throw statusError('BadRequest', `${what}: Invalid value: ${JSON.stringify(rv)}: must be a non-negative integer`);
  return Number(rv);
}

/** ListOptions from the query (list, watch and deletecollection). */
export function parseListQuery(query: URLSearchParams, fields: Readonly<Record<string, FieldGetter>> | undefined, watch: boolean): ListQuery {
  const rv = query.get('resourceVersion') ?? '';
  if (rv !== '' && rv !== '0') parseResourceVersion(rv);
  const rvm = query.get('resourceVersionMatch') ?? '';
  const cont = query.get('continue') ?? '';
  const sie = query.get('sendInitialEvents');
  const out: ListQuery = {
    labelSelector: parseLabelSelector(query.get('labelSelector')),
    fieldSelector: parseFieldSelector(query.get('fieldSelector'), fields),
    limit: nonNegativeInt('limit', query.get('limit')) ?? 0,
    resourceVersion: rv,
    timeoutSeconds: nonNegativeInt('timeoutSeconds', query.get('timeoutSeconds')),
    allowWatchBookmarks: isTrue(query.get('allowWatchBookmarks')),
    includeObject: parseIncludeObject(query.get('includeObject')),
  };
  if (cont) out.continue = cont;
  if (sie !== null && sie !== '') out.sendInitialEvents = isTrue(sie);
  const errs: FieldError[] = [];
  if (rvm !== '') {
    if (rvm !== 'Exact' && rvm !== 'NotOlderThan') errs.push(fieldNotSupported('resourceVersionMatch', rvm, ['Exact', 'NotOlderThan']));
    else out.resourceVersionMatch = rvm;
    if (watch && out.sendInitialEvents === undefined) {
      errs.push(fieldForbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
    } else if (!watch && rv === '') {
      errs.push(fieldForbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
    }
    if (cont) errs.push(fieldForbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    if (rvm === 'Exact' && rv === '0') errs.push(fieldForbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
  }
  if (cont && rv !== '' && rv !== '0') errs.push(fieldForbidden('resourceVersion', 'specifying resource version is not allowed when using continue'));
  if (out.sendInitialEvents !== undefined) {
    if (!watch) errs.push(fieldForbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
    else if (out.sendInitialEvents) {
      if (out.resourceVersionMatch !== 'NotOlderThan') errs.push(fieldForbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'));
      if (!out.allowWatchBookmarks) errs.push(fieldForbidden('allowWatchBookmarks', 'sendInitialEvents requires setting allowWatchBookmarks to true'));
    }
  }
  if (errs.length) throw invalidError('ListOptions', 'meta.k8s.io', '', errs);
  return out;
}

/** dryRun: only `All` is supported (query on writes, body on DELETE). */
export function parseDryRun(values: readonly unknown[]): boolean {
  if (values.length === 0) return false;
  for (const v of values) {
    if (v !== 'All') throw statusError('BadRequest', `Invalid dryRun parameter: dryRun: Unsupported value: ${JSON.stringify(v)}: supported values: "All"`);
  }
  return true;
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** fieldValidation: Strict | Warn | Ignore (default Warn, as kube-apiserver). */
export function parseFieldValidation(query: URLSearchParams): FieldValidation {
  const v = query.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw statusError('BadRequest', `fieldValidation parameter unsupported: ${JSON.stringify(v)}. Only Strict, Warn and Ignore are supported`);
}

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: PropagationPolicy;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun: boolean;
}

/** DeleteOptions from the body if it is non-empty (kind may be missing), else from the query. */
export function parseDeleteOptions(body: Buffer, contentType: string | string[] | undefined, query: URLSearchParams): DeleteOptions {
  let raw: Record<string, unknown>;
  if (body.length > 0 && body.toString('utf8').trim() !== '') {
    raw = decodeBody(body, contentType).obj;
    if (raw.kind !== undefined && raw.kind !== 'DeleteOptions' && raw.kind !== '') {
      throw statusError('BadRequest', `the kind in the data (${String(raw.kind)}) does not match the expected kind (DeleteOptions)`);
    }
  } else {
    raw = {};
    const g = query.get('gracePeriodSeconds');
    if (g !== null && g !== '') raw.gracePeriodSeconds = g;
    const p = query.get('propagationPolicy');
    if (p !== null && p !== '') raw.propagationPolicy = p;
    const o = query.get('orphanDependents');
    if (o !== null && o !== '') raw.orphanDependents = isTrue(o);
    const dry = query.getAll('dryRun');
    if (dry.length) raw.dryRun = dry;
    const uid = query.get('preconditions.uid');
    const rv = query.get('preconditions.resourceVersion');
    if (uid || rv) raw.preconditions = { ...(uid ? { uid } : {}), ...(rv ? { resourceVersion: rv } : {}) };
  }
  const errs: FieldError[] = [];
  const out: DeleteOptions = { dryRun: false };
  if (raw.gracePeriodSeconds !== undefined && raw.gracePeriodSeconds !== null) {
    const g = Number(raw.gracePeriodSeconds);
    if (!Number.isInteger(g)) throw statusError('BadRequest', `invalid gracePeriodSeconds: ${JSON.stringify(raw.gracePeriodSeconds)}`);
    out.gracePeriodSeconds = Math.max(0, g);
  }
  const pp = raw.propagationPolicy;
  if (pp !== undefined && pp !== null && pp !== '') {
    if (pp !== 'Orphan' && pp !== 'Background' && pp !== 'Foreground') errs.push(fieldNotSupported('propagationPolicy', pp, ['Foreground', 'Background', 'Orphan']));
    else out.propagationPolicy = pp;
  }
  if (raw.orphanDependents !== undefined && raw.orphanDependents !== null) {
    if (out.propagationPolicy) errs.push(fieldInvalid('propagationPolicy', pp, 'orphanDependents and deletionPropagation cannot be both set'));
    else out.propagationPolicy = raw.orphanDependents === true ? 'Orphan' : 'Background';
  }
  const pre = raw.preconditions;
  if (pre !== undefined && pre !== null) {
    if (typeof pre !== 'object' || Array.isArray(pre)) throw statusError('BadRequest', 'preconditions must be an object');
    const { uid, resourceVersion } = pre as Record<string, unknown>;
    out.preconditions = {};
    if (typeof uid === 'string' && uid !== '') out.preconditions.uid = uid;
    if (typeof resourceVersion === 'string' && resourceVersion !== '') out.preconditions.resourceVersion = resourceVersion;
  }
  const dry = raw.dryRun;
  if (dry !== undefined && dry !== null) {
    if (!Array.isArray(dry)) throw statusError('BadRequest', 'dryRun must be a list');
    out.dryRun = parseDryRun(dry);
  }
  if (errs.length) throw invalidError('DeleteOptions', 'meta.k8s.io', '', errs);
  return out;
}
