/**
 * ServiceAccount: a pod without spec.serviceAccountName runs as `default`; the ServiceAccount must
 * exist (403 Forbidden otherwise); unless automountServiceAccountToken is false (pod first, then
 * the ServiceAccount) the pod gets a projected `kube-api-access-<5>` volume (bound token, the
 * kube-root-ca.crt ConfigMap, the namespace) mounted read-only at
 * /var/run/secrets/kubernetes.io/serviceaccount in every container; the ServiceAccount's
 * imagePullSecrets are copied when the pod names none.
 */
import { randomInt } from 'node:crypto';
import { AdmissionStage } from '../../../hooks/stages';
import { definePlugin } from '../../../core/plugin/define';
import { getApiHooks } from '../../../core/registry/registry';
import type { AdmissionAttributes, KObject } from '../../../core/registry/types';
import type { Server } from '../../../core/server/server';
import { allContainers, forbidden, isCore, isRecord, podSpecOf, readObject, recs, storeOf, type Json } from '../shared/admission';

const PLUGIN_NAME = 'ServiceAccount';
export const DEFAULT_SERVICE_ACCOUNT = 'default';
export const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
export const TOKEN_VOLUME_PREFIX = 'kube-api-access-';
/** a bound token lives an hour plus a little, so kubelets refresh it before it expires */
export const TOKEN_EXPIRATION_SECONDS = 3607;
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
/** util/rand's alphabet: no vowels (no words), no confusable characters */
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export interface ServiceAccountOptions {
  /**
   * Stand-in for the ServiceAccount controller (which in Kubernetes creates `default` in every
   * namespace): create the missing `default` ServiceAccount through the API on first need.
   * Turn off once a controller keeps them.
   */
  createDefaultServiceAccount?: boolean;
}

export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

/** The projected volume of a bound ServiceAccount token. */
export function tokenVolume(name: string): Json {
  return {
    name,
    projected: {
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: 'token' } },
        { configMap: { name: ROOT_CA_CONFIGMAP, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}

/** Add the token volume and its mounts to a pod spec (idempotent: an existing mount is kept). */
export function mountToken(spec: Json, volumeName = `${TOKEN_VOLUME_PREFIX}${randomSuffix()}`): void {
  const volumes = recs(spec.volumes);
  // a container that already mounts something at the path keeps it
  const existing = volumes.find((v) => typeof v.name === 'string' && v.name.startsWith(TOKEN_VOLUME_PREFIX) && isRecord(v.projected));
  const name = existing ? String(existing.name) : volumeName;
  let needed = false;
  for (const { container } of allContainers(spec)) {
    const mounts = recs(container.volumeMounts);
    if (mounts.some((m) => m.mountPath === TOKEN_MOUNT_PATH)) continue;
    mounts.push({ name, readOnly: true, mountPath: TOKEN_MOUNT_PATH });
    container.volumeMounts = mounts;
    needed = true;
  }
  if (needed && !existing) spec.volumes = [...volumes, tokenVolume(name)];
}

async function ensureDefault(server: Server, namespace: string): Promise<void> {
  const res = await server.inject({
    method: 'POST',
    url: `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts`,
    body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace } },
  });
  if (res.status !== 201 && res.status !== 409) server.logger.warn({ namespace, status: res.status }, 'could not create the default ServiceAccount');
}

async function admit(server: Server, options: ServiceAccountOptions, attrs: AdmissionAttributes): Promise<void> {
  if (attrs.operation !== 'CREATE' || !isCore(attrs, 'pods')) return;
  const pod = attrs.object as KObject;
  const spec = podSpecOf(pod);
  if (!spec || pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return;
  if (!spec.serviceAccountName) spec.serviceAccountName = typeof spec.serviceAccount === 'string' && spec.serviceAccount ? spec.serviceAccount : DEFAULT_SERVICE_ACCOUNT;
  spec.serviceAccount = spec.serviceAccountName;
  const saName = String(spec.serviceAccountName);
  if (!storeOf(server, '', 'serviceaccounts')) return;
  let sa = await readObject(server, '', 'serviceaccounts', attrs.namespace, saName);
  if (!sa && saName === DEFAULT_SERVICE_ACCOUNT && options.createDefaultServiceAccount !== false) {
    await ensureDefault(server, attrs.namespace);
    sa = await readObject(server, '', 'serviceaccounts', attrs.namespace, saName);
  }
  if (!sa) {
    throw forbidden(attrs, `error looking up service account ${attrs.namespace}/${saName}: serviceaccount "${saName}" not found`);
  }
  const automount = typeof spec.automountServiceAccountToken === 'boolean' ? spec.automountServiceAccountToken : sa.automountServiceAccountToken !== false;
  if (automount) mountToken(spec);
  if (recs(spec.imagePullSecrets).length === 0 && recs(sa.imagePullSecrets).length > 0) {
    spec.imagePullSecrets = recs(sa.imagePullSecrets).map((s) => ({ name: s.name }));
  }
}

export default definePlugin<ServiceAccountOptions>({
  name: PLUGIN_NAME,
  area: 'admission',
  description: 'default ServiceAccount, its existence, and the projected token volume in every container',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { createDefaultServiceAccount: { type: 'boolean', default: true } },
  },
  apply(server, options) {
    getApiHooks(server).mutatingAdmission.tapPromise({ name: PLUGIN_NAME, stage: AdmissionStage.SERVICE_ACCOUNT }, (attrs) => admit(server, options ?? {}, attrs));
  },
});
