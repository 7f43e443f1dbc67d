/**
 * Service (core/v1 services): defaults, cluster IP and node port allocation from the service
 * network (plugin options), validation, status, the TYPE/CLUSTER-IP/EXTERNAL-IP/PORT(S) printer.
 */
import { LifecycleStage } from '../../../../hooks/stages';
import type { RequestContext } from '../../../../core/pipeline/types';
import type { RegisteredResource } from '../../../../core/registry/registry';
import type { FieldError, KObject } from '../../../../core/registry/types';
import type { Server } from '../../../../core/server/server';
import { child, index, invalid, type FieldError as FE } from '../../shared/field-errors';
import { arr, ensure, isRecord, recs, setDefault, setDefaultString, str, type Json } from '../../shared/object';
import { defineResourcePlugin, isDryRun, subresourceOf } from '../../shared/resource-plugin';
import { onlyV1 } from '../../shared/versions';
import { getServiceNetwork, serviceOwner, ServiceNetwork, setServiceNetwork } from './network';
import { servicePrinter } from './printer';
import { needsClusterIP, needsNodePort, validateService, validateServiceUpdate } from './validation';

const PLUGIN_NAME = 'Service';

export interface ServiceOptions {
  /** the range cluster IPs come from (kube-apiserver --service-cluster-ip-range) */
  serviceClusterIPRange: string;
  /** the range node ports come from (kube-apiserver --service-node-port-range) */
  nodePortRange: string;
}

function specOf(obj: KObject): Json {
  return ensure(obj as Json, 'spec');
}

/** Allocation problems found while preparing the write; `validate` reports them (422). */
function pendingErrors(ctx: RequestContext): FE[] {
  let list = ctx.state.get(PLUGIN_NAME) as FE[] | undefined;
  if (!list) ctx.state.set(PLUGIN_NAME, (list = []));
  return list;
}

function allocateClusterIP(net: ServiceNetwork, svc: KObject, ctx: RequestContext, old?: Json): void {
  const spec = specOf(svc);
  const owner = serviceOwner(svc);
  const dryRun = isDryRun(ctx);
  if (!needsClusterIP(spec)) {
    delete spec.clusterIP;
    delete spec.clusterIPs;
    delete spec.ipFamilies;
    delete spec.ipFamilyPolicy;
    return;
  }
  if (old && needsClusterIP(old) && !str(spec.clusterIP) && str(old.clusterIP)) {
    spec.clusterIP = old.clusterIP;
    spec.clusterIPs = old.clusterIPs;
  }
  let ip = str(spec.clusterIP) || str(arr(spec.clusterIPs)[0]);
  if (ip === 'None') {
    spec.clusterIP = 'None';
    spec.clusterIPs = ['None'];
  } else if (ip) {
    if (!old || str(old.clusterIP) !== ip) {
      const problem = net.claimIP(ip, owner, dryRun);
      if (problem) pendingErrors(ctx).push(invalid(index('spec.clusterIPs', 0), ip, problem));
    }
    spec.clusterIP = ip;
    spec.clusterIPs = [ip];
  } else {
    ip = net.allocateIP(owner, dryRun) ?? '';
    if (!ip) pendingErrors(ctx).push(invalid('spec.clusterIP', '', `failed to allocate a serviceIP: range is full`));
    else {
      spec.clusterIP = ip;
      spec.clusterIPs = [ip];
    }
  }
  setDefault(spec, 'ipFamilies', ['IPv4']);
  setDefaultString(spec, 'ipFamilyPolicy', 'SingleStack');
}

function allocateNodePorts(net: ServiceNetwork, svc: KObject, ctx: RequestContext, old?: Json): void {
  const spec = specOf(svc);
  const ports = recs(spec.ports);
  if (!needsNodePort(spec)) {
    // a type change away from NodePort/LoadBalancer drops the node ports it had
    if (old && needsNodePort(old)) for (const p of ports) delete p.nodePort;
    return;
  }
  const owner = serviceOwner(svc);
  const dryRun = isDryRun(ctx);
  const previous = new Map<string, number>();
  const before = new Set<number>();
  if (old && needsNodePort(old)) {
    for (const p of recs(old.ports)) {
      if (typeof p.nodePort === 'number') {
        previous.set(str(p.name), p.nodePort);
        before.add(p.nodePort);
      }
    }
  }
  const used = new Set(ports.map((p) => p.nodePort).filter((n): n is number => typeof n === 'number' && n > 0));
  ports.forEach((p, i) => {
    if (typeof p.nodePort === 'number' && p.nodePort > 0) {
      if (!before.has(p.nodePort)) {
        const problem = net.claimNodePort(p.nodePort, owner, dryRun);
        if (problem) pendingErrors(ctx).push(invalid(child(index('spec.ports', i), 'nodePort'), p.nodePort, problem));
      }
      return;
    }
    const kept = previous.get(str(p.name));
    if (kept !== undefined && !used.has(kept)) {
      p.nodePort = kept;
      used.add(kept);
      return;
    }
    const port = net.allocateNodePort(owner, dryRun);
    if (port === undefined) pendingErrors(ctx).push(invalid(child(index('spec.ports', i), 'nodePort'), 0, 'failed to allocate a nodePort: range is full'));
    else {
      p.nodePort = port;
      used.add(port);
    }
  });
}

/** Follow the stored services so allocations never collide (see network.ts). */
function track(server: Server, resource: RegisteredResource, net: ServiceNetwork): void {
  const parse = (value: string | undefined): KObject | undefined => {
    if (!value) return undefined;
    try {
      return JSON.parse(value) as KObject;
    } catch {
      return undefined;
    }
  };
  const start = async (): Promise<void> => {
    const prefix = resource.prefix();
    const items: KObject[] = [];
    let cont: string | undefined;
    let revision = 0;
    do {
      const page = await server.storage.list(prefix, { continue: cont });
      revision = page.revision;
      for (const kv of page.items) {
        const svc = parse(kv.value);
        if (svc) items.push(svc);
      }
      cont = page.continue;
    } while (cont);
    net.resync(items);
    net.watcher = server.storage.watch(prefix, { fromRevision: revision }, {
      next(ev) {
        const svc = parse(ev.value);
        if (!svc) return;
        if (ev.type === 'DELETED') net.forget(svc);
        else net.observe(svc, parse(ev.prevValue));
      },
      error(err) {
        server.logger.warn({ err }, 'service allocation watch ended; relisting');
        net.watcher = undefined;
        if (server.state === 'running' || server.state === 'initializing') setTimeout(() => void start().catch(() => undefined), 1000).unref();
      },
    });
  };
  server.hooks.initialize.tapPromise({ name: PLUGIN_NAME, stage: LifecycleStage.DEFAULT }, start);
  server.hooks.shutdown.tapPromise({ name: PLUGIN_NAME, stage: LifecycleStage.DEFAULT }, async () => {
    net.watcher?.close();
    net.watcher = undefined;
  });
}

export { getServiceNetwork };

export default defineResourcePlugin<ServiceOptions>({
  name: PLUGIN_NAME,
  description: 'core/v1 services: defaults, cluster IP and node port allocation, validation, status, printer',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      serviceClusterIPRange: { type: 'string', default: '10.96.0.0/12' },
      nodePortRange: { type: 'string', default: '30000-32767' },
    },
  },
  definition: {
    group: '',
    versions: onlyV1('', 'Service'),
    names: { plural: 'services', singular: 'service', kind: 'Service', listKind: 'ServiceList', shortNames: ['svc'], categories: ['all'] },
    namespaced: true,
    generation: 'none',
    nameValidation: 'DNS1123Label',
    subresources: { status: true },
    printer: servicePrinter,
    fieldSelectors: {
      'spec.clusterIP': (o: KObject) => str((o.spec as Json | undefined)?.clusterIP),
      'spec.type': (o: KObject) => str((o.spec as Json | undefined)?.type),
    },
  },
  defaults(obj) {
    const spec = specOf(obj);
    setDefaultString(spec, 'type', 'ClusterIP');
    setDefaultString(spec, 'sessionAffinity', 'None');
    if (spec.sessionAffinity === 'ClientIP') {
      const cfg = ensure(ensure(spec, 'sessionAffinityConfig'), 'clientIP');
      setDefault(cfg, 'timeoutSeconds', 10800);
    }
    for (const p of recs(spec.ports)) {
      setDefaultString(p, 'protocol', 'TCP');
      if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
    }
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') setDefaultString(spec, 'externalTrafficPolicy', 'Cluster');
    if (spec.type !== 'ExternalName') setDefaultString(spec, 'internalTrafficPolicy', 'Cluster');
    if (spec.type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
  },
  prepareForCreate(obj) {
    (obj as Json).status = { loadBalancer: {} };
  },
  validate(obj, errors: FieldError[], ctx) {
    validateService(obj, errors);
    if (ctx) errors.push(...pendingErrors(ctx).splice(0));
  },
  validateUpdate(obj, old, errors) {
    validateServiceUpdate(obj, old, errors);
  },
  setup(server, resource, options) {
    const net = new ServiceNetwork(options.serviceClusterIPRange ?? '10.96.0.0/12', options.nodePortRange ?? '30000-32767');
    setServiceNetwork(server, net);
    resource.hooks.prepareForCreate.tap(PLUGIN_NAME, (obj, ctx) => {
      allocateClusterIP(net, obj, ctx);
      allocateNodePorts(net, obj, ctx);
    });
    resource.hooks.prepareForUpdate.tap(PLUGIN_NAME, (obj, old, ctx) => {
      if (subresourceOf(ctx) === 'status') return;
      const prev: Json = isRecord(old.spec) ? old.spec : {};
      allocateClusterIP(net, obj, ctx, prev);
      allocateNodePorts(net, obj, ctx, prev);
    });
    track(server, resource, net);
  },
});
