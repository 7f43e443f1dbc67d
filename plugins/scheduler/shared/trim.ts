/**
 * The scheduler's pod informer transform (as client-go's SetTransform): a pod bound to a node is
 * kept as a compact copy holding only what the scheduler reads of assigned pods, so that a cache
 * of 100,000 running pods does not hold their full status, container specs and service-account
 * volumes. Pods without spec.nodeName (the ones to schedule, and nominated pods) stay whole.
 *
 * Kept of an assigned pod: metadata name, namespace, uid, resourceVersion, creationTimestamp,
 * deletionTimestamp, labels; spec nodeName, schedulerName, priority, overhead, pod (anti-)affinity,
 * topology spread constraints, volumes other than projected / configMap / secret / emptyDir /
 * downwardAPI, per container and init container its name, resources, restartPolicy and host ports
 * (the requests and ports of PodInfo come out the same); status phase and startTime.
 */
import type { Json, Pod } from './types';

/** Volume sources that no scheduler plugin looks at on other pods. */
const IGNORED_VOLUMES = ['projected', 'configMap', 'secret', 'emptyDir', 'downwardAPI'];

function pick(from: Json | undefined, keys: readonly string[]): Json {
  const out: Json = {};
  if (!from) return out;
  for (const k of keys) if (from[k] !== undefined) out[k] = from[k];
  return out;
}

function trimContainers(list: unknown): Json[] | undefined {
  if (!Array.isArray(list)) return undefined;
  return list.map((c: Json) => {
    if (!c || typeof c !== 'object') return c;
    const out = pick(c, ['name', 'resources', 'restartPolicy']);
    const ports = Array.isArray(c.ports) ? c.ports.filter((p: Json) => p && typeof p === 'object' && Number(p.hostPort ?? 0) > 0) : [];
    if (ports.length) out.ports = ports;
    return out;
  });
}

function trimVolumes(list: unknown): Json[] | undefined {
  if (!Array.isArray(list)) return undefined;
  const kept = list.filter((v: Json) => v && typeof v === 'object' && !IGNORED_VOLUMES.some((k) => v[k] !== undefined));
  return kept.length ? kept : undefined;
}

/** The compact form of an assigned pod; any other pod (or non-pod) unchanged. */
export function trimAssignedPod<T>(obj: T): T {
  const pod = obj as Pod;
  if (!pod || typeof pod !== 'object' || !pod.spec?.nodeName) return obj;
  const spec = pod.spec as Json;
  const out: Json = {
    metadata: pick(pod.metadata, ['name', 'namespace', 'uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'labels']),
    spec: pick(spec, ['nodeName', 'schedulerName', 'priority', 'overhead', 'topologySpreadConstraints']),
    status: pick(pod.status, ['phase', 'startTime']),
  };
  if (pod.apiVersion !== undefined) out.apiVersion = pod.apiVersion;
  if (pod.kind !== undefined) out.kind = pod.kind;
  const affinity = pick(spec.affinity, ['podAffinity', 'podAntiAffinity']);
  if (Object.keys(affinity).length) out.spec.affinity = affinity;
  const containers = trimContainers(spec.containers);
  if (containers) out.spec.containers = containers;
  const init = trimContainers(spec.initContainers);
  if (init) out.spec.initContainers = init;
  const volumes = trimVolumes(spec.volumes);
  if (volumes) out.spec.volumes = volumes;
  return out as T;
}
