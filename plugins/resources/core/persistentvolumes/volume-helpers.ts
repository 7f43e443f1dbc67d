/** Shared by PersistentVolume and PersistentVolumeClaim: access modes, volume modes, storage class. */
import type { KObject } from '../../../../core/registry/types';
import { index, invalid, notSupported, required, forbidden, type FieldError } from '../../shared/field-errors';
import { arr, isRecord, str } from '../../shared/object';

export const ACCESS_MODES = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];
const SHORT: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };
export const VOLUME_MODES = ['Block', 'Filesystem'];

/** GetAccessModesAsString: `RWO,ROX` in the canonical order, no duplicates. */
export function accessModesString(modes: unknown): string {
  const have = new Set(arr(modes).map(String));
  return ACCESS_MODES.filter((m) => have.has(m)).map((m) => SHORT[m]).join(',');
}

export function validateAccessModes(modes: unknown, path: string, errors: FieldError[]): void {
  const list = arr(modes).map(String);
  if (list.length === 0) errors.push(required(path, ''));
  list.forEach((m, i) => {
    if (!ACCESS_MODES.includes(m)) errors.push(notSupported(index(path, i), m, ACCESS_MODES));
  });
  if (list.includes('ReadWriteOncePod') && list.length > 1) errors.push(forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
}

export function validateVolumeMode(mode: unknown, path: string, errors: FieldError[]): void {
  if (mode !== undefined && mode !== null && !VOLUME_MODES.includes(str(mode))) errors.push(notSupported(path, mode, VOLUME_MODES));
}

/** The storage class: the beta annotation, else spec.storageClassName. */
export function storageClassOf(obj: KObject): string {
  const ann = obj.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'];
  if (ann !== undefined) return ann;
  return isRecord(obj.spec) ? str(obj.spec.storageClassName) : '';
}

export function positiveStorage(q: unknown, path: string, errors: FieldError[], parse: (v: unknown) => number | undefined): void {
  const v = parse(q);
  if (q === undefined) errors.push(required(path, ''));
  else if (v === undefined || v <= 0) errors.push(invalid(path, q, 'must be greater than zero'));
}
