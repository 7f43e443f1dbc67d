/**
 * core/v1 defaults for pod specs (SetDefaults_PodSpec, _Container, _Probe, _Volume...), shared by
 * every kind that embeds a pod template: Pod, PodTemplate, ReplicationController, Deployment,
 * ReplicaSet, StatefulSet, DaemonSet, Job, CronJob.
 */
import { ensure, getPath, isRecord, recs, setDefault, setDefaultString, str, type Json } from './object';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;
const DEFAULT_MODE = 0o644;

/** The tag of an image reference (`latest` when there is neither tag nor digest). */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > slash) return name.slice(colon + 1);
  return at >= 0 ? '' : 'latest';
}

/** SetDefaults_PodSpec plus container, volume and probe defaults. */
export function defaultPodSpec(spec: Json): void {
  setDefaultString(spec, 'dnsPolicy', 'ClusterFirst');
  setDefaultString(spec, 'restartPolicy', 'Always');
  if (!isRecord(spec.securityContext)) spec.securityContext = {};
  setDefault(spec, 'terminationGracePeriodSeconds', DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS);
  setDefaultString(spec, 'schedulerName', DEFAULT_SCHEDULER_NAME);
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const c of recs(spec[list])) defaultContainer(c);
  }
  for (const v of recs(spec.volumes)) defaultVolume(v);
}

/** Pod-only defaults (SetDefaults_Pod): requests from limits, enableServiceLinks, host-network ports. */
export function defaultPodOnly(spec: Json): void {
  for (const list of ['initContainers', 'containers']) {
    for (const c of recs(spec[list])) {
      const resources = isRecord(c.resources) ? c.resources : undefined;
      if (!resources || !isRecord(resources.limits)) continue;
      const requests = ensure(resources, 'requests');
      for (const [k, v] of Object.entries(resources.limits)) if (requests[k] === undefined) requests[k] = v;
    }
  }
  setDefault(spec, 'enableServiceLinks', true);
  if (spec.hostNetwork === true) {
    for (const list of ['initContainers', 'containers']) {
      for (const c of recs(spec[list])) for (const p of recs(c.ports)) setDefault(p, 'hostPort', p.containerPort);
    }
  }
}

/** Defaults of a PodTemplateSpec (`spec.template`). */
export function defaultPodTemplate(template: unknown): void {
  if (!isRecord(template)) return;
  defaultPodSpec(ensure(template, 'spec'));
}

export function defaultContainer(c: Json): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(str(c.image)) === 'latest' ? 'Always' : 'IfNotPresent';
  setDefaultString(c, 'terminationMessagePath', '/dev/termination-log');
  setDefaultString(c, 'terminationMessagePolicy', 'File');
  for (const p of recs(c.ports)) setDefaultString(p, 'protocol', 'TCP');
  for (const e of recs(c.env)) {
    const fieldRef = getPath(e, 'valueFrom.fieldRef');
    if (isRecord(fieldRef)) setDefaultString(fieldRef, 'apiVersion', 'v1');
  }
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    if (isRecord(c[probe])) defaultProbe(c[probe] as Json);
  }
  if (isRecord(c.lifecycle)) {
    for (const hook of ['postStart', 'preStop']) {
      const handler = (c.lifecycle as Json)[hook];
      if (isRecord(handler) && isRecord(handler.httpGet)) defaultHTTPGet(handler.httpGet);
    }
  }
}

function defaultProbe(p: Json): void {
  setDefault(p, 'timeoutSeconds', 1);
  setDefault(p, 'periodSeconds', 10);
  setDefault(p, 'successThreshold', 1);
  setDefault(p, 'failureThreshold', 3);
  if (isRecord(p.httpGet)) defaultHTTPGet(p.httpGet);
}

function defaultHTTPGet(h: Json): void {
  setDefaultString(h, 'path', '/');
  setDefaultString(h, 'scheme', 'HTTP');
}

const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc',
  'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected',
  'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
] as const;

/** The volume source keys set on a volume. */
export function volumeSources(v: Json): string[] {
  return VOLUME_SOURCES.filter((k) => v[k] !== undefined && v[k] !== null);
}

function defaultVolume(v: Json): void {
  if (volumeSources(v).length === 0) v.emptyDir = {};
  for (const k of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    if (isRecord(v[k])) setDefault(v[k] as Json, 'defaultMode', DEFAULT_MODE);
  }
  if (isRecord(v.hostPath)) setDefault(v.hostPath, 'type', '');
}
