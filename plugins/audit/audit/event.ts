/** Building audit.k8s.io/v1 Events from a RequestContext and its ApiResponse. */
import { decodeBody, jsonDepthExceeds, MAX_NESTING_DEPTH, PROTOBUF } from '../../../core/api/decode';
import type { ApiResponse, RequestContext, UserInfo } from '../../../core/pipeline/types';
import type { Level, RequestAttributes, Stage } from './policy';

/** Where other plugins (admission: pod-security.kubernetes.io/audit-violations...) put annotations. */
export const AUDIT_ANNOTATIONS_KEY = 'audit.k8s.io/annotations';

export interface AuditUser {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface AuditEvent {
  kind: 'Event';
  apiVersion: 'audit.k8s.io/v1';
  level: Level;
  auditID: string;
  stage: Stage;
  requestURI: string;
  verb: string;
  user: AuditUser;
  impersonatedUser?: AuditUser;
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: { resource?: string; namespace?: string; name?: string; apiGroup?: string; apiVersion?: string; subresource?: string };
  responseStatus?: { metadata: Record<string, unknown>; code: number; status?: string; message?: string; reason?: string; details?: unknown };
  requestObject?: unknown;
  responseObject?: unknown;
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations?: Record<string, string>;
}

// wall clock at a known hrtime, so timestamps carry microseconds
const WALL_US = BigInt(Date.now()) * 1000n;
const HR_NS = process.hrtime.bigint();

/** RFC 3339 with microseconds (`2024-05-01T10:00:00.123456Z`) of a process.hrtime.bigint() value. */
export function microTime(hr: bigint = process.hrtime.bigint()): string {
  const us = WALL_US + (hr - HR_NS) / 1000n;
  const ms = Number(us / 1000n);
  const iso = new Date(ms).toISOString(); // ...T10:00:00.123Z
  return `${iso.slice(0, 23)}${String(Number(us % 1000n)).padStart(3, '0')}Z`;
}

export function auditVerb(ctx: RequestContext): string {
  return ctx.requestInfo.isResourceRequest ? ctx.requestInfo.verb : ctx.method.toLowerCase();
}

export function attributes(ctx: RequestContext, user: UserInfo | undefined): RequestAttributes {
  const i = ctx.requestInfo;
  return {
    username: user?.username,
    groups: user?.groups ?? [],
    verb: auditVerb(ctx),
    isResourceRequest: i.isResourceRequest,
    path: ctx.path,
    apiGroup: i.apiGroup,
    resource: i.resource,
    subresource: i.subresource,
    namespace: i.namespace,
    name: i.name,
  };
}

export function auditUser(u: UserInfo | undefined): AuditUser {
  if (!u) return {};
  const out: AuditUser = { username: u.username };
  if (u.uid) out.uid = u.uid;
  out.groups = [...u.groups];
  if (u.extra && Object.keys(u.extra).length > 0) out.extra = u.extra;
  return out;
}

export function sameUser(a: UserInfo | undefined, b: UserInfo | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return a.username === b.username && a.uid === b.uid && a.groups.length === b.groups.length && a.groups.every((g, i) => g === b.groups[i]);
}

function sourceIPs(ctx: RequestContext): string[] {
  const out: string[] = [];
  const xff = ctx.headers['x-forwarded-for'];
  for (const part of (Array.isArray(xff) ? xff.join(',') : xff ?? '').split(',')) if (part.trim()) out.push(part.trim());
  const real = ctx.headers['x-real-ip'];
  if (typeof real === 'string' && real.trim()) out.push(real.trim());
  const remote = ctx.remoteAddress.startsWith('::ffff:') ? ctx.remoteAddress.slice(7) : ctx.remoteAddress;
  if (remote) out.push(remote);
  return [...new Set(out)];
}

export function requestURI(ctx: RequestContext): string {
  const q = ctx.query.toString();
  return q ? `${ctx.path}?${q}` : ctx.path;
}

export function annotations(ctx: RequestContext): Record<string, string> | undefined {
  const a = ctx.state.get(AUDIT_ANNOTATIONS_KEY);
  if (a instanceof Map) return a.size > 0 ? Object.fromEntries(a) : undefined;
  if (a && typeof a === 'object' && Object.keys(a).length > 0) return { ...(a as Record<string, string>) };
  return undefined;
}

/** The metadata every event of a request shares. */
export function baseEvent(ctx: RequestContext, auditID: string, level: Level, user: UserInfo | undefined): AuditEvent {
  const i = ctx.requestInfo;
  const ev: AuditEvent = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level,
    auditID,
    stage: 'RequestReceived',
    requestURI: requestURI(ctx),
    verb: auditVerb(ctx),
    user: auditUser(user),
    sourceIPs: sourceIPs(ctx),
    requestReceivedTimestamp: microTime(ctx.startTime),
    stageTimestamp: '',
  };
  const ua = ctx.headers['user-agent'];
  if (typeof ua === 'string') ev.userAgent = ua;
  if (i.isResourceRequest) {
    const ref: NonNullable<AuditEvent['objectRef']> = { resource: i.resource };
    if (i.namespace) ref.namespace = i.namespace;
    if (i.name) ref.name = i.name;
    if (i.apiGroup) ref.apiGroup = i.apiGroup;
    if (i.apiVersion) ref.apiVersion = i.apiVersion;
    if (i.subresource) ref.subresource = i.subresource;
    ev.objectRef = ref;
  }
  return ev;
}

export function responseStatus(res: ApiResponse): NonNullable<AuditEvent['responseStatus']> {
  const body = res.body as { kind?: unknown; status?: unknown; message?: unknown; reason?: unknown; details?: unknown } | undefined;
  const out: NonNullable<AuditEvent['responseStatus']> = { metadata: {}, code: res.status };
  if (body && typeof body === 'object' && !Buffer.isBuffer(body) && body.kind === 'Status') {
    if (typeof body.status === 'string') out.status = body.status;
    if (typeof body.message === 'string') out.message = body.message;
    if (typeof body.reason === 'string' && body.reason) out.reason = body.reason;
    if (body.details) out.details = body.details;
  }
  return out;
}

function mediaType(v: string | string[] | undefined): string {
  return String(Array.isArray(v) ? v[0] : v ?? '').split(';')[0].trim().toLowerCase();
}

/** The request body as an object (JSON, YAML, protobuf; patches as sent), or undefined. */
export function requestObject(ctx: RequestContext): unknown {
  if (ctx.body.length === 0) return undefined;
  const mt = mediaType(ctx.headers['content-type']);
  try {
    if (mt.includes('yaml')) return decodeBody(ctx.body, 'application/yaml').obj;
    if (mt === PROTOBUF) return decodeBody(ctx.body, PROTOBUF).obj;
    return parseJson(ctx.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The response body as an object (JSON text is parsed), or undefined for streams and other bytes. */
export function responseObject(res: ApiResponse): unknown {
  const body = res.body;
  if (body === undefined || body === null || res.stream) return undefined;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    const headers = Object.fromEntries(Object.entries(res.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    const mt = mediaType(headers['content-type']);
    if (mt !== '' && !mt.includes('json')) return undefined;
    try {
      return parseJson(body.toString());
    } catch {
      return undefined;
    }
  }
  return body;
}

function parseJson(text: string): unknown {
  if (jsonDepthExceeds(text, MAX_NESTING_DEPTH)) return undefined;
  return JSON.parse(text);
}

/** A copy without metadata.managedFields (on the object, or on each item of a list). */
export function withoutManagedFields(obj: unknown): unknown {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return obj;
  const o = obj as { metadata?: Record<string, unknown>; items?: unknown[] };
  let out: Record<string, unknown> = o as Record<string, unknown>;
  if (o.metadata && typeof o.metadata === 'object' && 'managedFields' in o.metadata) {
    const { managedFields: _drop, ...metadata } = o.metadata;
    out = { ...out, metadata };
  }
  if (Array.isArray(o.items)) out = { ...out, items: o.items.map(withoutManagedFields) };
  return out;
}
