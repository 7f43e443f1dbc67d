/**
 * VersionDefinition helpers: the OpenAPI definition names the discovery/OpenAPI plugin generates
 * (`io.k8s.api.apps.v1.Deployment`), one served-and-stored version for most built-ins.
 */
import type { VersionDefinition } from '../../../core/registry/types';

/** OpenAPI package of an API group, as in Kubernetes' generated definitions. */
const PACKAGES: Record<string, string> = {
  '': 'io.k8s.api.core',
  apps: 'io.k8s.api.apps',
  batch: 'io.k8s.api.batch',
  autoscaling: 'io.k8s.api.autoscaling',
  'coordination.k8s.io': 'io.k8s.api.coordination',
  'discovery.k8s.io': 'io.k8s.api.discovery',
  'events.k8s.io': 'io.k8s.api.events',
  'networking.k8s.io': 'io.k8s.api.networking',
  policy: 'io.k8s.api.policy',
  'rbac.authorization.k8s.io': 'io.k8s.api.rbac',
  'scheduling.k8s.io': 'io.k8s.api.scheduling',
  'storage.k8s.io': 'io.k8s.api.storage',
  'apiregistration.k8s.io': 'io.k8s.kube-aggregator.pkg.apis.apiregistration',
  'apiextensions.k8s.io': 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions',
};

/** `io.k8s.api.apps.v1.Deployment` */
export function schemaRef(group: string, version: string, kind: string): string {
  const pkg = PACKAGES[group];
  if (!pkg) throw new Error(`no OpenAPI package known for group "${group}"`);
  return `${pkg}.${version}.${kind}`;
}

/** The single served storage version `v1` of a built-in kind. */
export function onlyV1(group: string, kind: string): VersionDefinition[] {
  return [{ name: 'v1', served: true, storage: true, schemaRef: schemaRef(group, 'v1', kind) }];
}
