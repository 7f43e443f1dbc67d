/**
 * Container validation (core validateContainerCommon and friends): names, image, ports, env,
 * volume mounts, resources, probes.
 */
import { child, duplicate, forbidden, index, invalid, notSupported, required, type FieldError } from './field-errors';
import { isDNS1123Label, isEnvVarName, isValidPortName, isValidPortNum } from './names';
import { arr, isRecord, num, str, type Json } from './object';
import { parseQuantity, QUANTITY_FORMAT_MESSAGE } from './quantity';

export const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];

export interface ContainerContext {
  /** names of every container of the pod seen so far (uniqueness across init and app containers) */
  names: Set<string>;
  /** volume names of the pod */
  volumes: Set<string>;
}

export function validateContainers(list: unknown, path: string, ctx: ContainerContext, errors: FieldError[], opts: { init?: boolean } = {}): void {
  if (list !== undefined && list !== null && !Array.isArray(list)) {
    errors.push(invalid(path, list, 'must be a list of containers'));
    return;
  }
  arr(list).forEach((c, i) => {
    const p = index(path, i);
    if (!isRecord(c)) errors.push(invalid(p, c, 'must be an object'));
    else validateContainer(c, p, ctx, errors, opts);
  });
}

function validateContainer(c: Json, path: string, ctx: ContainerContext, errors: FieldError[], opts: { init?: boolean }): void {
  const name = str(c.name);
  if (!name) errors.push(required(child(path, 'name'), ''));
  else {
    for (const msg of isDNS1123Label(name)) errors.push(invalid(child(path, 'name'), name, msg));
    if (ctx.names.has(name)) errors.push(duplicate(child(path, 'name'), name));
    ctx.names.add(name);
  }
  if (!str(c.image)) errors.push(required(child(path, 'image'), ''));
  if (c.imagePullPolicy !== undefined && !PULL_POLICIES.includes(str(c.imagePullPolicy))) {
    errors.push(notSupported(child(path, 'imagePullPolicy'), c.imagePullPolicy, PULL_POLICIES));
  }
  if (c.terminationMessagePolicy !== undefined && !TERMINATION_MESSAGE_POLICIES.includes(str(c.terminationMessagePolicy))) {
    errors.push(notSupported(child(path, 'terminationMessagePolicy'), c.terminationMessagePolicy, TERMINATION_MESSAGE_POLICIES));
  }
  if (c.restartPolicy !== undefined) {
    if (!opts.init) errors.push(forbidden(child(path, 'restartPolicy'), 'may not be set for non-init containers'));
    else if (c.restartPolicy !== 'Always') errors.push(notSupported(child(path, 'restartPolicy'), c.restartPolicy, ['Always']));
  }
  validateContainerPorts(c.ports, child(path, 'ports'), errors);
  validateEnv(c.env, child(path, 'env'), errors);
  validateVolumeMounts(c.volumeMounts, child(path, 'volumeMounts'), ctx.volumes, errors);
  validateResources(c.resources, child(path, 'resources'), errors);
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    if (c[probe] !== undefined) validateProbe(c[probe], child(path, probe), errors);
  }
}

export function validateContainerPorts(ports: unknown, path: string, errors: FieldError[]): void {
  const names = new Set<string>();
  arr(ports).forEach((port, i) => {
    const p = index(path, i);
    if (!isRecord(port)) {
      errors.push(invalid(p, port, 'must be an object'));
      return;
    }
    const name = str(port.name);
    if (name) {
      for (const msg of isValidPortName(name)) errors.push(invalid(child(p, 'name'), name, msg));
      if (names.has(name)) errors.push(duplicate(child(p, 'name'), name));
      names.add(name);
    }
    if (port.containerPort === undefined || port.containerPort === 0) errors.push(required(child(p, 'containerPort'), ''));
    else for (const msg of isValidPortNum(port.containerPort)) errors.push(invalid(child(p, 'containerPort'), port.containerPort, msg));
    if (port.hostPort !== undefined && port.hostPort !== 0) {
      for (const msg of isValidPortNum(port.hostPort)) errors.push(invalid(child(p, 'hostPort'), port.hostPort, msg));
    }
    if (port.protocol !== undefined && !PROTOCOLS.includes(str(port.protocol))) {
      errors.push(notSupported(child(p, 'protocol'), port.protocol, PROTOCOLS));
    }
  });
}

const ENV_SOURCES = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'];

function validateEnv(env: unknown, path: string, errors: FieldError[]): void {
  arr(env).forEach((e, i) => {
    const p = index(path, i);
    if (!isRecord(e)) {
      errors.push(invalid(p, e, 'must be an object'));
      return;
    }
    const name = str(e.name);
    if (!name) errors.push(required(child(p, 'name'), ''));
    else for (const msg of isEnvVarName(name)) errors.push(invalid(child(p, 'name'), name, msg));
    if (isRecord(e.valueFrom)) {
      const sources = ENV_SOURCES.filter((k) => isRecord((e.valueFrom as Json)[k]));
      if (sources.length === 0) errors.push(invalid(child(p, 'valueFrom'), '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
      else if (sources.length > 1) errors.push(invalid(child(p, 'valueFrom'), '', 'may not have more than one field specified at a time'));
      if (str(e.value)) errors.push(invalid(child(p, 'valueFrom'), '', 'may not be specified when `value` is not empty'));
      const fieldRef = (e.valueFrom as Json).fieldRef;
      if (isRecord(fieldRef) && !str(fieldRef.fieldPath)) errors.push(required(child(p, 'valueFrom', 'fieldRef', 'fieldPath'), ''));
      for (const k of ['configMapKeyRef', 'secretKeyRef']) {
        const ref = (e.valueFrom as Json)[k];
        if (isRecord(ref) && !str(ref.key)) errors.push(required(child(p, 'valueFrom', k, 'key'), ''));
      }
    }
  });
}

function validateVolumeMounts(mounts: unknown, path: string, volumes: Set<string>, errors: FieldError[]): void {
  const paths = new Set<string>();
  arr(mounts).forEach((m, i) => {
    const p = index(path, i);
    if (!isRecord(m)) {
      errors.push(invalid(p, m, 'must be an object'));
      return;
    }
    const name = str(m.name);
    if (!name) errors.push(required(child(p, 'name'), ''));
    else if (!volumes.has(name)) errors.push({ type: 'FieldValueNotFound', field: child(p, 'name'), message: `Not found: ${JSON.stringify(name)}` });
    const mountPath = str(m.mountPath);
    if (!mountPath) errors.push(required(child(p, 'mountPath'), ''));
    else if (paths.has(mountPath)) errors.push(invalid(child(p, 'mountPath'), mountPath, 'must be unique'));
    paths.add(mountPath);
  });
}

/** Quantities parse and are non-negative; requests do not exceed limits. */
export function validateResources(resources: unknown, path: string, errors: FieldError[]): void {
  if (!isRecord(resources)) return;
  const values: Record<'limits' | 'requests', Record<string, number>> = { limits: {}, requests: {} };
  for (const kind of ['limits', 'requests'] as const) {
    const list = resources[kind];
    if (!isRecord(list)) continue;
    for (const [name, q] of Object.entries(list)) {
      const p = index(child(path, kind), name);
      const v = parseQuantity(q);
      if (v === undefined) errors.push(invalid(p, q, QUANTITY_FORMAT_MESSAGE));
      else if (v < 0) errors.push(invalid(p, q, 'must be greater than or equal to 0'));
      else values[kind][name] = v;
    }
  }
  for (const [name, req] of Object.entries(values.requests)) {
    const limit = values.limits[name];
    if (limit !== undefined && req > limit) {
      errors.push(invalid(index(child(path, 'requests'), name), (resources.requests as Json)[name], `must be less than or equal to ${name} limit of ${String((resources.limits as Json)[name])}`));
    }
  }
}

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];

function validateProbe(probe: unknown, path: string, errors: FieldError[]): void {
  if (!isRecord(probe)) {
    errors.push(invalid(path, probe, 'must be an object'));
    return;
  }
  const handlers = PROBE_HANDLERS.filter((h) => probe[h] !== undefined && probe[h] !== null);
  if (handlers.length === 0) errors.push(required(path, 'must specify a handler type'));
  else if (handlers.length > 1) errors.push(forbidden(child(path, handlers[1]), 'may not specify more than 1 handler type'));
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    const v = num(probe[f]);
    if (v !== undefined && v < 0) errors.push(invalid(child(path, f), v, 'must be greater than or equal to 0'));
  }
}
