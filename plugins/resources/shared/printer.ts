/**
 * Table column helpers for server-side printing (pkg/printers/internalversion column definitions):
 * the Name column (format `name`), the Age column, wide (priority 1) columns, container cells.
 */
import type { TableColumn } from '../../../core/registry/types';
import { recs, str } from './object';

const NAME_DOC =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const CREATION_DOC =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

export const NAME_COLUMN: TableColumn = Object.freeze({ name: 'Name', type: 'string', format: 'name', description: NAME_DOC, priority: 0 });
export const AGE_COLUMN: TableColumn = Object.freeze({ name: 'Age', type: 'string', description: CREATION_DOC, priority: 0 });

export function column(name: string, description = '', type: TableColumn['type'] = 'string'): TableColumn {
  return { name, type, description, priority: 0 };
}

/** A column kubectl shows only with `-o wide`. */
export function wide(name: string, description = '', type: TableColumn['type'] = 'string'): TableColumn {
  return { name, type, description, priority: 1 };
}

export const CONTAINERS_COLUMN = wide('Containers', 'Names of each container in the template.');
export const IMAGES_COLUMN = wide('Images', 'Images referenced by each container in the template.');

/** layoutContainerCells: container names and images, comma-joined. */
export function containerCells(containers: unknown): [string, string] {
  const list = recs(containers);
  return [list.map((c) => str(c.name)).join(','), list.map((c) => str(c.image)).join(',')];
}

/** `value`, or `fallback` when empty. */
export function orNone(value: unknown, fallback = '<none>'): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

/** An integer cell: Go prints int64(x) of a missing field as 0. */
export function int(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : 0;
}
