/**
 * k8ts' own description of the Kubernetes protobuf messages it can decode.
 *
 * Written for k8ts as a table: message name -> field number -> [JSON name, type, flags].
 * Field numbers and wire types follow the Kubernetes API's protobuf encoding (they are
 * part of the wire format); the names on the left are the JSON names of the REST API.
 *
 * Type strings:
 *   'string' | 'bytes' | 'bool' | 'int32' | 'int64' | 'double' | 'float'   scalars
 *   'Time' | 'MicroTime' | 'Quantity' | 'IntOrString' | 'RawExtension' | 'FieldsV1' | 'StringList'
 *                                                                         special conversions (decode.ts)
 *   any other name                                                        a message in MESSAGES
 *   '[]T'                                                                 repeated T
 *   'map<T>'                                                              map<string, T>
 *
 * Flags:
 *   '*'  keep the zero value ("" / 0 / false) when the field is on the wire. Used for pointer
 *        fields (gogo writes them only when set, so a zero means an explicit zero, e.g.
 *        replicas: 0) and for a few non-omitempty fields where zero is meaningful.
 *   '^'  inline: the message is embedded in Go, its fields are merged into the parent object.
 *
 * Messages themselves need no flag: gogo writes a non-pointer struct always and a pointer
 * struct only when it is set, so "present on the wire" already means "present in JSON".
 *
 * The tables live in one file per API group (schema-meta.ts, schema-core-pod.ts,
 * schema-core-container.ts, schema-core-volumes.ts, schema-core.ts, schema-apps-batch.ts,
 * schema-rbac-auth.ts, schema-autoscaling-policy.ts); MESSAGES below merges them.
 *
 * Extending: add the message to its group's file and, for a new top-level kind, a line in
 * kinds.ts. schema.test.ts checks that every referenced type exists and is reachable.
 */

import { meta } from './schema-meta';
import { corePods, corePodStatus } from './schema-core-pod';
import { coreContainers } from './schema-core-container';
import { coreVolumes } from './schema-core-volumes';
import { coreOther } from './schema-core';
import { apps, batch } from './schema-apps-batch';
import { authn, authz, rbac } from './schema-rbac-auth';
import { autoscaling, misc } from './schema-autoscaling-policy';

export type FieldFlags = '' | '*' | '^';
export type FieldDef = readonly [jsonName: string, type: string, flags?: FieldFlags];
export type MessageDef = Readonly<Record<number, FieldDef>>;

/** Types handled by a dedicated conversion instead of a MESSAGES entry. */
export const SPECIAL_TYPES = [
  'Time',
  'MicroTime',
  'Quantity',
  'IntOrString',
  'RawExtension',
  'FieldsV1',
  'StringList',
] as const;
export type SpecialType = (typeof SPECIAL_TYPES)[number];

export const SCALAR_TYPES = ['string', 'bytes', 'bool', 'int32', 'int64', 'double', 'float'] as const;
export type ScalarType = (typeof SCALAR_TYPES)[number];

/** Every message k8ts can decode, merged from the per-group tables (schema-*.ts). */
export const MESSAGES: Readonly<Record<string, MessageDef>> = Object.freeze({
  ...meta,
  ...corePods,
  ...coreContainers,
  ...corePodStatus,
  ...coreVolumes,
  ...coreOther,
  ...apps,
  ...batch,
  ...rbac,
  ...authz,
  ...authn,
  ...autoscaling,
  ...misc,
});

/** A parsed type string. */
export type TypeRef =
  | { shape: 'single'; base: string }
  | { shape: 'repeated'; base: string }
  | { shape: 'map'; base: string };

const parsedCache = new Map<string, TypeRef>();

export function parseType(type: string): TypeRef {
  let ref = parsedCache.get(type);
  if (!ref) {
    if (type.startsWith('[]')) ref = { shape: 'repeated', base: type.slice(2) };
    else if (type.startsWith('map<') && type.endsWith('>')) ref = { shape: 'map', base: type.slice(4, -1) };
    else ref = { shape: 'single', base: type };
    parsedCache.set(type, ref);
  }
  return ref;
}

export function isScalar(base: string): base is ScalarType {
  return (SCALAR_TYPES as readonly string[]).includes(base);
}

export function isSpecial(base: string): base is SpecialType {
  return (SPECIAL_TYPES as readonly string[]).includes(base);
}
