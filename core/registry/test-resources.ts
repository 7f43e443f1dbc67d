/**
 * Resource definitions for the API machinery tests (not a test): they exist only in tests, so the
 * store is tested without any resource plugin.
 */
import { age, NAME_COLUMN } from '../api/table';
import type { KObject, ResourceDefinition } from './types';

export const TEST_GROUP = 'test.k8ts.dev';

type Spec = { color?: string; replicas?: number; size?: number; sizeInBytes?: number } | undefined;
const spec = (o: KObject): Spec => o.spec as Spec;

/** Namespaced, with /status and /scale, a printer and a `spec.color` field selector. */
export const WIDGETS: ResourceDefinition = {
  group: TEST_GROUP,
  versions: [{ name: 'v1', served: true, storage: true }],
  names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wg'] },
  namespaced: true,
  subresources: {
    status: true,
    scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' },
  },
  fieldSelectors: { 'spec.color': (o) => spec(o)?.color },
  printer: {
    columns: [
      NAME_COLUMN,
      { name: 'Color', type: 'string', priority: 0 },
      { name: 'Replicas', type: 'integer', priority: 1 },
      { name: 'Age', type: 'string', priority: 0 },
    ],
    row: (o, now) => [o.metadata.name, spec(o)?.color ?? '<none>', spec(o)?.replicas ?? 0, age(o.metadata.creationTimestamp, now)],
  },
};

/** Cluster-scoped, no subresources, generation bumps on any non-metadata change, default printer. */
export const GADGETS: ResourceDefinition = {
  group: TEST_GROUP,
  versions: [{ name: 'v1', served: true, storage: true }],
  names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
  namespaced: false,
  generation: 'nonMetadata',
};

/** Only get and list. */
export const RELICS: ResourceDefinition = {
  group: TEST_GROUP,
  versions: [{ name: 'v1', served: true, storage: true }],
  names: { plural: 'relics', singular: 'relic', kind: 'Relic' },
  namespaced: true,
  verbs: ['get', 'list'],
};

/** Two versions: v1 stores `spec.size`, v2 serves it as `spec.sizeInBytes`. */
export const THINGS: ResourceDefinition = {
  group: TEST_GROUP,
  versions: [
    { name: 'v1', served: true, storage: true },
    {
      name: 'v2',
      served: true,
      storage: false,
      toHub: (o) => {
        const s = spec(o);
        if (s && s.sizeInBytes !== undefined) {
          s.size = s.sizeInBytes;
          delete s.sizeInBytes;
        }
        return o;
      },
      fromHub: (o) => {
        const s = spec(o);
        if (s && s.size !== undefined) {
          s.sizeInBytes = s.size;
          delete s.size;
        }
        return o;
      },
    },
  ],
  names: { plural: 'things', singular: 'thing', kind: 'Thing' },
  namespaced: true,
};

/** A stand-in for the core `namespaces` resource (enables the namespace-exists check). */
export const NAMESPACES: ResourceDefinition = {
  group: '',
  versions: [{ name: 'v1', served: true, storage: true }],
  names: { plural: 'namespaces', singular: 'namespace', kind: 'Namespace', shortNames: ['ns'] },
  namespaced: false,
  generation: 'none',
  nameValidation: 'DNS1123Label',
  subresources: { status: true },
};

export const ALL_TEST_RESOURCES: readonly ResourceDefinition[] = [WIDGETS, GADGETS, RELICS, THINGS];

export const W = `/apis/${TEST_GROUP}/v1/namespaces/default/widgets`;
export const G = `/apis/${TEST_GROUP}/v1/gadgets`;

export function widget(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { metadata, ...rest } = extra as { metadata?: Record<string, unknown> };
  return { apiVersion: `${TEST_GROUP}/v1`, kind: 'Widget', metadata: { name, ...(metadata ?? {}) }, spec: { color: 'red', replicas: 1 }, ...rest };
}
