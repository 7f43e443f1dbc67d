/**
 * Secret (core/v1 secrets): type Opaque by default, stringData folded into data, per-type required
 * keys, size and `immutable`, the TYPE/DATA printer, field selector `type`.
 */
import type { KObject } from '../../../../core/registry/types';
import { age } from '../../shared/age';
import { immutable, index, invalid, required, type FieldError } from '../../shared/field-errors';
import { ensure, isRecord, str, type Json } from '../../shared/object';
import { AGE_COLUMN, column, NAME_COLUMN } from '../../shared/printer';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { onlyV1 } from '../../shared/versions';
import { tooLarge, validateImmutable, validateKeys } from '../configmaps/data';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Keys each well-known secret type must carry. */
const REQUIRED_KEYS: Record<string, string[]> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
};

function validateTypeRules(secret: KObject, data: Json, errors: FieldError[]): void {
  const type = str(secret.type);
  for (const key of REQUIRED_KEYS[type] ?? []) if (!(key in data)) errors.push(required(index('data', key), ''));
  if (type === 'kubernetes.io/service-account-token' && !secret.metadata.annotations?.['kubernetes.io/service-account.name']) {
    errors.push(required(index('metadata.annotations', 'kubernetes.io/service-account.name'), ''));
  }
  if (type === 'kubernetes.io/basic-auth' && !('username' in data) && !('password' in data)) {
    errors.push(required(index('data', 'username'), ''));
  }
  for (const key of ['.dockercfg', '.dockerconfigjson']) {
    if (REQUIRED_KEYS[type]?.includes(key) && typeof data[key] === 'string') {
      try {
        JSON.parse(Buffer.from(data[key] as string, 'base64').toString('utf8'));
      } catch (err) {
        errors.push(invalid(index('data', key), '<secret contents redacted>', (err as Error).message));
      }
    }
  }
}

export default defineResourcePlugin({
  name: 'Secret',
  description: 'core/v1 secrets: type default, stringData, per-type keys, size, immutable, printer, type field selector',
  definition: {
    group: '',
    versions: onlyV1('', 'Secret'),
    names: { plural: 'secrets', singular: 'secret', kind: 'Secret', listKind: 'SecretList' },
    namespaced: true,
    generation: 'none',
    printer: {
      columns: [NAME_COLUMN, column('Type', 'Used to facilitate programmatic handling of secret data.'), column('Data', 'Data contains the secret data.'), AGE_COLUMN],
      row: (s: KObject, now: Date) => [s.metadata.name ?? '', str(s.type), isRecord(s.data) ? Object.keys(s.data).length : 0, age(s, now)],
    },
    fieldSelectors: { type: (o: KObject) => str(o.type) },
  },
  defaults(secret) {
    if (!secret.type) secret.type = 'Opaque';
    if (isRecord(secret.stringData)) {
      const data = ensure(secret as Json, 'data');
      for (const [k, v] of Object.entries(secret.stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
      delete secret.stringData;
    }
  },
  validate(secret, errors) {
    const data: Json = isRecord(secret.data) ? secret.data : {};
    validateKeys(data, 'data', errors);
    let size = 0;
    for (const [k, v] of Object.entries(data)) {
      if (typeof v !== 'string' || !BASE64.test(v) || v.length % 4 === 1) errors.push(invalid(index('data', k), '<secret contents redacted>', 'must be base64-encoded'));
      else size += Buffer.from(v, 'base64').length;
    }
    tooLarge('data', size, errors);
    validateTypeRules(secret, data, errors);
  },
  validateUpdate(secret, old, errors) {
    if (str(secret.type) !== str(old.type)) errors.push(immutable('type', secret.type ?? ''));
    validateImmutable(secret, old, ['data'], errors);
  },
});
