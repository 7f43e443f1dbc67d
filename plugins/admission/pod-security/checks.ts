/**
 * The Pod Security Standards (latest) as plain functions. Each check looks at a pod's metadata and
 * spec and returns undefined (allowed) or a violation: a short reason and the detail Kubernetes
 * prints in parentheses. `checkPod(level, meta, spec)` runs every check of a level.
 */
import { allContainers, isRecord, recs, type Json } from '../shared/admission';

export type Level = 'privileged' | 'baseline' | 'restricted';
export const LEVELS: readonly Level[] = ['privileged', 'baseline', 'restricted'];

export interface Violation {
  reason: string;
  detail: string;
}

export type Check = (meta: Json, spec: Json) => Violation | undefined;

function sc(v: Json): Json {
  return isRecord(v.securityContext) ? v.securityContext : {};
}

function quoted(names: readonly string[]): string {
  return names.map((n) => JSON.stringify(n)).join(', ');
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

/** `container "a"` / `containers "a", "b"` */
function containersPhrase(names: readonly string[]): string {
  return `${plural(names.length, 'container', 'containers')} ${quoted(names)}`;
}

function containers(spec: Json): Json[] {
  return allContainers(spec).map((c) => c.container);
}

// ---- baseline ------------------------------------------------------------------------------

export const hostNamespaces: Check = (_meta, spec) => {
  const set = ['hostNetwork', 'hostPID', 'hostIPC'].filter((k) => spec[k] === true);
  return set.length ? { reason: 'host namespaces', detail: set.map((k) => `${k}=true`).join(', ') } : undefined;
};

export const hostProcess: Check = (_meta, spec) => {
  const podSet = isRecord(sc(spec).windowsOptions) && (sc(spec).windowsOptions as Json).hostProcess === true;
  const bad = containers(spec).filter((c) => isRecord(sc(c).windowsOptions) && (sc(c).windowsOptions as Json).hostProcess === true).map((c) => String(c.name));
  if (!podSet && !bad.length) return undefined;
  const parts = [podSet ? 'pod' : '', bad.length ? containersPhrase(bad) : ''].filter(Boolean);
  return { reason: 'hostProcess', detail: `${parts.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true` };
};

export const privileged: Check = (_meta, spec) => {
  const bad = containers(spec).filter((c) => sc(c).privileged === true).map((c) => String(c.name));
  return bad.length ? { reason: 'privileged', detail: `${containersPhrase(bad)} must not set securityContext.privileged=true` } : undefined;
};

export const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

function added(c: Json): string[] {
  const caps = sc(c).capabilities;
  return isRecord(caps) && Array.isArray(caps.add) ? caps.add.map(String) : [];
}

export const capabilitiesBaseline: Check = (_meta, spec) => {
  const bad: string[] = [];
  const caps = new Set<string>();
  for (const c of containers(spec)) {
    const extra = added(c).filter((cap) => !BASELINE_CAPABILITIES.has(cap));
    if (extra.length) {
      bad.push(String(c.name));
      extra.forEach((x) => caps.add(x));
    }
  }
  return bad.length ? { reason: 'non-default capabilities', detail: `${containersPhrase(bad)} must not include ${quoted([...caps])} in securityContext.capabilities.add` } : undefined;
};

export const hostPathVolumes: Check = (_meta, spec) => {
  const bad = recs(spec.volumes).filter((v) => v.hostPath !== undefined && v.hostPath !== null).map((v) => String(v.name));
  return bad.length ? { reason: 'hostPath volumes', detail: `${plural(bad.length, 'volume', 'volumes')} ${quoted(bad)}` } : undefined;
};

export const hostPorts: Check = (_meta, spec) => {
  const names: string[] = [];
  const ports: number[] = [];
  for (const c of containers(spec)) {
    const used = recs(c.ports).map((p) => Number(p.hostPort ?? 0)).filter((p) => p !== 0);
    if (used.length) {
      names.push(String(c.name));
      ports.push(...used);
    }
  }
  return names.length ? { reason: 'hostPort', detail: `${containersPhrase(names)} ${plural(ports.length, 'uses hostPort', 'use hostPorts')} ${ports.join(', ')}` } : undefined;
};

const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

function appArmorAllowed(type: unknown): boolean {
  return type === undefined || type === 'RuntimeDefault' || type === 'Localhost';
}

export const appArmor: Check = (meta, spec) => {
  const bad: string[] = [];
  for (const [k, v] of Object.entries(isRecord(meta.annotations) ? meta.annotations : {})) {
    if (k.startsWith(APPARMOR_ANNOTATION) && v !== 'runtime/default' && !String(v).startsWith('localhost/') && v !== '') bad.push(`${k}="${String(v)}"`);
  }
  const podProfile = isRecord(sc(spec).appArmorProfile) ? (sc(spec).appArmorProfile as Json).type : undefined;
  if (!appArmorAllowed(podProfile)) bad.push(`pod must not set securityContext.appArmorProfile.type to ${JSON.stringify(podProfile)}`);
  const names = containers(spec).filter((c) => isRecord(sc(c).appArmorProfile) && !appArmorAllowed((sc(c).appArmorProfile as Json).type)).map((c) => String(c.name));
  if (names.length) bad.push(`${containersPhrase(names)} must not set securityContext.appArmorProfile.type to "Unconfined"`);
  return bad.length ? { reason: 'forbidden AppArmor profile', detail: bad.join(', ') } : undefined;
};

const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

export const seLinuxOptions: Check = (_meta, spec) => {
  const bad: string[] = [];
  const check = (o: unknown, who: string) => {
    if (!isRecord(o)) return;
    if (!SELINUX_TYPES.has(String(o.type ?? ''))) bad.push(`${who} set forbidden securityContext.seLinuxOptions: type ${JSON.stringify(o.type)}`);
    if (o.user) bad.push(`${who} set forbidden securityContext.seLinuxOptions: user ${JSON.stringify(o.user)}`);
    if (o.role) bad.push(`${who} set forbidden securityContext.seLinuxOptions: role ${JSON.stringify(o.role)}`);
  };
  check(sc(spec).seLinuxOptions, 'pod');
  for (const c of containers(spec)) check(sc(c).seLinuxOptions, `container ${JSON.stringify(String(c.name))}`);
  return bad.length ? { reason: 'seLinuxOptions', detail: bad.join('; ') } : undefined;
};

export const procMount: Check = (_meta, spec) => {
  const bad = containers(spec).filter((c) => sc(c).procMount !== undefined && sc(c).procMount !== 'Default').map((c) => String(c.name));
  return bad.length ? { reason: 'procMount', detail: `${containersPhrase(bad)} must not set securityContext.procMount to ${quoted([...new Set(containers(spec).filter((c) => bad.includes(String(c.name))).map((c) => String(sc(c).procMount)))])}` } : undefined;
};

function seccompType(o: Json): unknown {
  return isRecord(o.seccompProfile) ? o.seccompProfile.type : undefined;
}

export const seccompBaseline: Check = (_meta, spec) => {
  const bad: string[] = [];
  if (seccompType(sc(spec)) === 'Unconfined') bad.push('pod must not set securityContext.seccompProfile.type to "Unconfined"');
  const names = containers(spec).filter((c) => seccompType(sc(c)) === 'Unconfined').map((c) => String(c.name));
  if (names.length) bad.push(`${containersPhrase(names)} must not set securityContext.seccompProfile.type to "Unconfined"`);
  return bad.length ? { reason: 'seccompProfile', detail: bad.join('; ') } : undefined;
};

export const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
]);

export const sysctls: Check = (_meta, spec) => {
  const bad = recs(sc(spec).sysctls).map((s) => String(s.name)).filter((n) => !SAFE_SYSCTLS.has(n));
  return bad.length ? { reason: 'forbidden sysctls', detail: bad.join(', ') } : undefined;
};

// ---- restricted ----------------------------------------------------------------------------

export const RESTRICTED_VOLUME_SOURCES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

export const volumeTypes: Check = (_meta, spec) => {
  const names: string[] = [];
  const types = new Set<string>();
  for (const v of recs(spec.volumes)) {
    const kinds = Object.keys(v).filter((k) => k !== 'name' && v[k] !== undefined && v[k] !== null && !RESTRICTED_VOLUME_SOURCES.has(k));
    if (kinds.length) {
      names.push(String(v.name));
      kinds.forEach((k) => types.add(k));
    }
  }
  return names.length
    ? { reason: 'restricted volume types', detail: `${plural(names.length, 'volume', 'volumes')} ${quoted(names)} ${plural(names.length, 'uses', 'use')} restricted volume ${plural(types.size, 'type', 'types')} ${quoted([...types])}` }
    : undefined;
};

export const allowPrivilegeEscalation: Check = (_meta, spec) => {
  const bad = containers(spec).filter((c) => sc(c).allowPrivilegeEscalation !== false).map((c) => String(c.name));
  return bad.length ? { reason: 'allowPrivilegeEscalation != false', detail: `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false` } : undefined;
};

export const runAsNonRoot: Check = (_meta, spec) => {
  const pod = sc(spec).runAsNonRoot;
  if (pod === false) return { reason: 'runAsNonRoot != true', detail: 'pod must not set securityContext.runAsNonRoot=false' };
  const explicitFalse = containers(spec).filter((c) => sc(c).runAsNonRoot === false).map((c) => String(c.name));
  if (explicitFalse.length) return { reason: 'runAsNonRoot != true', detail: `${containersPhrase(explicitFalse)} must not set securityContext.runAsNonRoot=false` };
  if (pod === true) return undefined;
  const unset = containers(spec).filter((c) => sc(c).runAsNonRoot !== true).map((c) => String(c.name));
  return unset.length ? { reason: 'runAsNonRoot != true', detail: `pod or ${containersPhrase(unset)} must set securityContext.runAsNonRoot=true` } : undefined;
};

export const runAsUser: Check = (_meta, spec) => {
  const bad: string[] = [];
  if (sc(spec).runAsUser === 0) bad.push('pod');
  const names = containers(spec).filter((c) => sc(c).runAsUser === 0).map((c) => String(c.name));
  if (names.length) bad.push(containersPhrase(names));
  return bad.length ? { reason: 'runAsUser=0', detail: `${bad.join(' and ')} must not set runAsUser=0` } : undefined;
};

export const seccompRestricted: Check = (_meta, spec) => {
  const ok = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';
  const podType = seccompType(sc(spec));
  if (podType !== undefined && !ok(podType)) return { reason: 'seccompProfile', detail: `pod must not set securityContext.seccompProfile.type to ${JSON.stringify(podType)}` };
  const wrong = containers(spec).filter((c) => seccompType(sc(c)) !== undefined && !ok(seccompType(sc(c)))).map((c) => String(c.name));
  if (wrong.length) return { reason: 'seccompProfile', detail: `${containersPhrase(wrong)} must not set securityContext.seccompProfile.type to "Unconfined"` };
  if (podType !== undefined) return undefined;
  const unset = containers(spec).filter((c) => seccompType(sc(c)) === undefined).map((c) => String(c.name));
  return unset.length ? { reason: 'seccompProfile', detail: `pod or ${containersPhrase(unset)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"` } : undefined;
};

export const capabilitiesRestricted: Check = (_meta, spec) => {
  const noDrop: string[] = [];
  const badAdd: string[] = [];
  const caps = new Set<string>();
  for (const c of containers(spec)) {
    const capsOf = sc(c).capabilities;
    const drop = isRecord(capsOf) && Array.isArray(capsOf.drop) ? capsOf.drop.map(String) : [];
    if (!drop.includes('ALL')) noDrop.push(String(c.name));
    const extra = added(c).filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (extra.length) {
      badAdd.push(String(c.name));
      extra.forEach((x) => caps.add(x));
    }
  }
  const parts: string[] = [];
  if (noDrop.length) parts.push(`${containersPhrase(noDrop)} must set securityContext.capabilities.drop=["ALL"]`);
  if (badAdd.length) parts.push(`${containersPhrase(badAdd)} must not include ${quoted([...caps])} in securityContext.capabilities.add`);
  return parts.length ? { reason: 'unrestricted capabilities', detail: parts.join('; ') } : undefined;
};

export const BASELINE_CHECKS: readonly Check[] = [hostProcess, hostNamespaces, privileged, capabilitiesBaseline, hostPathVolumes, hostPorts, appArmor, seLinuxOptions, procMount, seccompBaseline, sysctls];
/** restricted replaces the baseline capabilities and seccomp checks with stricter ones */
export const RESTRICTED_CHECKS: readonly Check[] = [
  ...BASELINE_CHECKS.filter((c) => c !== capabilitiesBaseline && c !== seccompBaseline),
  volumeTypes,
  allowPrivilegeEscalation,
  runAsNonRoot,
  runAsUser,
  seccompRestricted,
  capabilitiesRestricted,
];

/** Every violation of a level by a pod (none for privileged). */
export function checkPod(level: Level, meta: Json, spec: Json): Violation[] {
  const checks = level === 'restricted' ? RESTRICTED_CHECKS : level === 'baseline' ? BASELINE_CHECKS : [];
  const out: Violation[] = [];
  for (const check of checks) {
    const v = check(meta, spec);
    if (v) out.push(v);
  }
  return out;
}

/** `host namespaces (hostNetwork=true), privileged (container "c" must not ...)` */
export function describe(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.reason} (${v.detail})`).join(', ');
}
