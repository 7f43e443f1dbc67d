/**
 * The `serviceaccounts/token` subresource: POST an authentication.k8s.io/v1 TokenRequest (JSON or
 * the protobuf body of `kubectl create token`), get it back (201) with status.token and
 * status.expirationTimestamp. The ServiceAccount must exist; a boundObjectRef (Pod, Secret, Node)
 * must name an existing object (and its uid, when given).
 */
import { checkTypeMeta, decodeBody } from '../../../core/api/decode';
import { fieldInvalid, fieldNotSupported, fieldRequired, invalidError } from '../../../core/api/field-errors';
import { parseDryRun } from '../../../core/api/options';
import { statusError } from '../../../core/api/status';
import type { ApiResponse, RequestContext } from '../../../core/pipeline/types';
import type { CustomSubresource, FieldError, KObject, SubresourceTarget } from '../../../core/registry/types';
import type { Server } from '../../../core/server/server';
import type { BoundObject, ServiceAccountTokenSigner } from './jwt';
import { readObject } from './lookup';

export const TOKEN_REQUEST_API_VERSION = 'authentication.k8s.io/v1';
export const DEFAULT_EXPIRATION_SECONDS = 3600;
export const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;
const BOUND_KINDS = ['Pod', 'Secret', 'Node'] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface Spec {
  audiences: string[];
  expirationSeconds: number;
  boundObjectRef?: { kind: BoundObject['kind']; apiVersion?: string; name: string; uid?: string };
}

function checkSpec(obj: Record<string, unknown>, name: string, apiAudiences: readonly string[]): Spec {
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const errors: FieldError[] = [];
  const audiences = Array.isArray(spec.audiences) ? spec.audiences : [];
  audiences.forEach((a, i) => {
    if (typeof a !== 'string' || a === '') errors.push(fieldInvalid(`spec.audiences[${i}]`, a, 'must be a non-empty string'));
  });
  const exp = spec.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
  if (typeof exp !== 'number' || !Number.isInteger(exp)) errors.push(fieldInvalid('spec.expirationSeconds', exp, 'must be an integer'));
  else if (exp < MIN_EXPIRATION_SECONDS) errors.push(fieldInvalid('spec.expirationSeconds', exp, 'may not specify a duration less than 10 minutes'));
  else if (exp > MAX_EXPIRATION_SECONDS) errors.push(fieldInvalid('spec.expirationSeconds', exp, 'may not specify a duration larger than 2^32 seconds'));
  let bound: Spec['boundObjectRef'];
  if (isRecord(spec.boundObjectRef)) {
    const ref = spec.boundObjectRef;
    if (!BOUND_KINDS.includes(ref.kind as BoundObject['kind'])) errors.push(fieldNotSupported('spec.boundObjectRef.kind', ref.kind, BOUND_KINDS));
    if (typeof ref.name !== 'string' || ref.name === '') errors.push(fieldRequired('spec.boundObjectRef.name'));
    bound = { kind: ref.kind as BoundObject['kind'], name: String(ref.name ?? ''), uid: typeof ref.uid === 'string' && ref.uid !== '' ? ref.uid : undefined };
    if (typeof ref.apiVersion === 'string') bound.apiVersion = ref.apiVersion;
  }
  if (errors.length > 0) throw invalidError('TokenRequest', 'authentication.k8s.io', name, errors);
  return { audiences: audiences.length > 0 ? (audiences as string[]) : [...apiAudiences], expirationSeconds: exp as number, boundObjectRef: bound };
}

/** The object a token is bound to, checked to exist (and to have the uid the request names). */
async function resolveBound(server: Server, namespace: string, ref: NonNullable<Spec['boundObjectRef']>): Promise<BoundObject> {
  const plural = ref.kind === 'Pod' ? 'pods' : ref.kind === 'Secret' ? 'secrets' : 'nodes';
  const obj = await readObject(server, plural, ref.kind === 'Node' ? '' : namespace, ref.name);
  if (!obj) throw statusError('NotFound', `${plural} "${ref.name}" not found`, { name: ref.name, kind: plural });
  const uid = obj.metadata.uid ?? '';
  if (ref.uid && ref.uid !== uid) {
    throw statusError('Conflict', `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`, { name: ref.name, kind: plural });
  }
  return { kind: ref.kind, name: ref.name, uid };
}

/** The custom subresource definition added to core/v1 serviceaccounts. */
export function tokenSubresource(server: Server, signer: () => ServiceAccountTokenSigner): CustomSubresource {
  return {
    name: 'token',
    verbs: ['create'],
    kind: 'TokenRequest',
    group: 'authentication.k8s.io',
    version: 'v1',
    async handle(ctx: RequestContext, target: SubresourceTarget): Promise<ApiResponse> {
      const { obj } = decodeBody(ctx.body, ctx.headers['content-type']);
      checkTypeMeta(obj, [TOKEN_REQUEST_API_VERSION], 'TokenRequest');
      const s = signer();
      const spec = checkSpec(obj, target.name, s.apiAudiences);
      const sa = await readObject(server, 'serviceaccounts', target.namespace, target.name);
      if (!sa) throw statusError('NotFound', `serviceaccounts "${target.name}" not found`, { name: target.name, kind: 'serviceaccounts' });
      const bound = spec.boundObjectRef ? await resolveBound(server, target.namespace, spec.boundObjectRef) : undefined;
      const dryRun = parseDryRun(ctx.query.getAll('dryRun'));
      const now = Date.now();
      const status: Record<string, unknown> = { token: '', expirationTimestamp: rfc3339(new Date(now + spec.expirationSeconds * 1000)) };
      if (!dryRun) {
        const issued = await s.issue({ namespace: target.namespace, name: target.name, uid: sa.metadata.uid ?? '', audiences: spec.audiences, expirationSeconds: spec.expirationSeconds, bound, now });
        status.token = issued.token;
        status.expirationTimestamp = rfc3339(issued.expiration);
      }
      const meta = isRecord(obj.metadata) ? obj.metadata : {};
      const body: KObject = {
        kind: 'TokenRequest',
        apiVersion: TOKEN_REQUEST_API_VERSION,
        metadata: { ...meta, name: target.name, namespace: target.namespace, creationTimestamp: rfc3339(new Date(now)) },
        spec: {
          audiences: spec.audiences,
          expirationSeconds: spec.expirationSeconds,
          boundObjectRef: spec.boundObjectRef ? { ...spec.boundObjectRef, uid: bound?.uid } : null,
        },
        status,
      };
      return { status: 201, headers: { 'Content-Type': 'application/json' }, body };
    },
  };
}

function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
