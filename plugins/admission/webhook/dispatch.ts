/**
 * AdmissionReview v1 requests and responses: build the request from the admission attributes (the
 * object in the request's version), read the response (uid, allowed, status, JSONPatch, warnings,
 * auditAnnotations), and turn call failures into the webhook's failurePolicy.
 */
import { randomUUID } from 'node:crypto';
import * as jsonpatch from 'fast-json-patch';
import { statusError, type StatusReason } from '../../../core/api/status';
import type { AdmissionAttributes, KObject } from '../../../core/registry/types';
import { addAuditAnnotation, isRecord, type Json } from '../shared/admission';
import { callWebhook } from './client';
import { conditionsMatch } from './matching';

const OPTIONS_KIND = { CREATE: 'CreateOptions', UPDATE: 'UpdateOptions', DELETE: 'DeleteOptions', CONNECT: '' } as const;

/** The object as the request's version shows it (hub -> version), with apiVersion and kind. */
export function versioned(attrs: AdmissionAttributes, obj: KObject | undefined): Json | null {
  if (!obj) return null;
  const v = attrs.definition.versions.find((x) => x.name === attrs.resource.version);
  const out = structuredClone(v?.fromHub ? v.fromHub(structuredClone(obj)) : obj) as Json;
  if (attrs.subresource === '' || attrs.kind.kind === attrs.definition.names.kind) {
    out.apiVersion = attrs.kind.group ? `${attrs.kind.group}/${attrs.kind.version}` : attrs.kind.version;
    out.kind = attrs.kind.kind;
  }
  return out;
}

export function toHub(attrs: AdmissionAttributes, obj: Json): KObject {
  const v = attrs.definition.versions.find((x) => x.name === attrs.resource.version);
  return (v?.toHub ? v.toHub(obj as KObject) : obj) as KObject;
}

export function admissionRequest(attrs: AdmissionAttributes): Json {
  const { ctx } = attrs;
  const user = ctx.user;
  const request: Json = {
    uid: randomUUID(),
    kind: attrs.kind,
    resource: attrs.resource,
    requestKind: attrs.kind,
    requestResource: attrs.resource,
    name: attrs.name,
    operation: attrs.operation,
    userInfo: user ? { username: user.username, ...(user.uid ? { uid: user.uid } : {}), groups: user.groups, ...(user.extra ? { extra: user.extra } : {}) } : {},
    object: versioned(attrs, attrs.object),
    oldObject: versioned(attrs, attrs.oldObject),
    dryRun: attrs.dryRun,
  };
  if (attrs.subresource) {
    request.subResource = attrs.subresource;
    request.requestSubResource = attrs.subresource;
  }
  if (attrs.namespace) request.namespace = attrs.namespace;
  const kind = OPTIONS_KIND[attrs.operation];
  if (kind) {
    const options: Json = { apiVersion: 'meta.k8s.io/v1', kind };
    const fieldManager = ctx.query?.get('fieldManager');
    if (fieldManager && kind !== 'DeleteOptions') options.fieldManager = fieldManager;
    if (attrs.dryRun) options.dryRun = ['All'];
    request.options = options;
  }
  return request;
}

export interface CallOutcome {
  /** the patched object (mutating webhooks that returned a patch) */
  patched?: Json;
}

function internal(name: string, why: string) {
  return statusError('InternalError', `Internal error occurred: failed calling webhook "${name}": ${why}`, { causes: [{ message: why }] });
}

/**
 * Call one webhook (its rules and selectors already matched): matchConditions, the HTTPS call,
 * the response. Denials throw a Status; failures throw 500 InternalError under failurePolicy Fail
 * and are skipped under Ignore.
 */
export async function invoke(webhook: Json, attrs: AdmissionAttributes, mutating: boolean): Promise<CallOutcome> {
  const name = String(webhook.name);
  const ignore = webhook.failurePolicy === 'Ignore';
  const request = admissionRequest(attrs);
  try {
    if (!conditionsMatch(webhook, request)) return {};
  } catch (err) {
    if (ignore) return {};
    throw internal(name, (err as Error).message);
  }
  let response: Json;
  let patched: Json | undefined;
  try {
    const review = await callWebhook(webhook, { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request }, attrs.ctx.signal);
    if (review.apiVersion !== 'admission.k8s.io/v1' || review.kind !== 'AdmissionReview') throw new Error(`expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${String(review.apiVersion)}, Kind=${String(review.kind)}`);
    if (!isRecord(review.response)) throw new Error('webhook response was absent');
    response = review.response;
    if (response.uid !== request.uid) throw new Error(`expected response.uid=${String(request.uid)}, got ${String(response.uid)}`);
    if (response.allowed === true && response.patch !== undefined) {
      if (!mutating) throw new Error('validating webhooks may not return patches');
      if (response.patchType !== 'JSONPatch') throw new Error(`unsupported patchType ${String(response.patchType)}`);
      const ops = JSON.parse(Buffer.from(String(response.patch), 'base64').toString('utf8')) as jsonpatch.Operation[];
      if (!Array.isArray(ops)) throw new Error('the patch is not a JSON Patch array');
      patched = jsonpatch.applyPatch(request.object ?? {}, ops, true, false).newDocument as Json;
    }
  } catch (err) {
    if (ignore) return {};
    throw internal(name, (err as Error).message);
  }
  for (const w of Array.isArray(response.warnings) ? response.warnings : []) attrs.ctx.warnings.push(String(w));
  if (isRecord(response.auditAnnotations)) for (const [k, v] of Object.entries(response.auditAnnotations)) addAuditAnnotation(attrs.ctx, `${name}/${k}`, String(v));
  if (response.allowed !== true) {
    const st: Json = isRecord(response.status) ? response.status : {};
    const code = typeof st.code === 'number' && st.code >= 400 ? st.code : 403;
    const reason = (typeof st.reason === 'string' && st.reason ? st.reason : 'Forbidden') as StatusReason;
    const why = typeof st.message === 'string' && st.message ? st.message : 'without explanation';
    throw statusError(reason, `admission webhook "${name}" denied the request: ${why}`, undefined, code);
  }
  return patched ? { patched } : {};
}
