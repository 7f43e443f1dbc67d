/**
 * Aggregator (area `aggregator`): kube-aggregator at the head of the delegation chain. One
 * long-lived tap on `apiserver.resolveHandler` at HandlerStage.AGGREGATOR reads the APIServices
 * as data (an index fed by a storage watch): `/apis/<group>/<version>` and everything under it is
 * proxied to the Service of an APIService that has one (see proxy.ts), 503 ServiceUnavailable
 * while it is not Available; Local APIServices and everything else fall through to the rest of
 * the chain. The availability controller keeps the Available condition current and feeds the
 * aggregated groups to Discovery (`discovery.externalGroups`). At start the front proxy's CA and
 * client certificate are loaded or generated in `<dataDir>/pki`, and
 * kube-system/extension-apiserver-authentication tells extension servers how to trust it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { inProcessClient, isStatusReason } from '../../../core/client';
import { failure } from '../../../core/api/status';
import { FRONT_PROXY_CLIENT_CN, loadOrCreateFrontProxyPki, type FrontProxyPki } from '../../../core/http/pki';
import type { ApiResponse, RequestContext } from '../../../core/pipeline/types';
import { definePlugin } from '../../../core/plugin/define';
import type { KObject } from '../../../core/registry/types';
import type { Server } from '../../../core/server/server';
import { HandlerStage, LifecycleStage } from '../../../hooks/stages';
import { getDiscoveryHooks } from '../../apiserver/discovery';
import { getOpenApiHooks } from '../../apiserver/openapi';
import { APIServiceIndex, type APIServiceView } from './apiservices';
import { AvailabilityController } from './availability';
import { EndpointError, resolveEndpoint } from './endpoints';
import { AgentPool, proxyRequest, REQUEST_HEADERS } from './proxy';

export const PLUGIN_NAME = 'Aggregator';
export const AUTHENTICATION_CONFIGMAP = 'extension-apiserver-authentication';

export interface AggregatorOptions {
  /** every APIService is checked at least this often */
  probeIntervalSeconds: number;
  /** how long a discovery check may take */
  probeTimeoutSeconds: number;
  /** write kube-system/extension-apiserver-authentication at start */
  publishAuthenticationConfigMap: boolean;
}

interface State {
  index: APIServiceIndex;
  controller: AvailabilityController;
  pki?: FrontProxyPki;
}

const states = new WeakMap<Server, State>();

/** The server's front-proxy PKI once initialized (for tests and tools). */
export function getFrontProxyPki(server: Server): FrontProxyPki | undefined {
  return states.get(server)?.pki;
}

/** The server's APIService index (for tests and tools). */
export function getAPIServiceIndex(server: Server): APIServiceIndex | undefined {
  return states.get(server)?.index;
}

function unavailable(message: string): ApiResponse {
  const s = failure('ServiceUnavailable', message);
  return { status: s.code, body: s };
}

async function serve(server: Server, state: State, pool: AgentPool, svc: APIServiceView, ctx: RequestContext): Promise<ApiResponse> {
  if (!svc.available) return unavailable('the server is currently unable to handle the request');
  const ref = svc.service!;
  let endpoint;
  try {
    endpoint = await resolveEndpoint(server, ref);
  } catch (err) {
    if (err instanceof EndpointError) {
      state.controller.enqueue(svc.name);
      return unavailable(err.message);
    }
    throw err;
  }
  const pki = state.pki;
  if (!pki) return unavailable('the aggregator is not initialized yet');
  return proxyRequest(
    ctx,
    {
      endpoint,
      serverName: `${ref.name}.${ref.namespace}.svc`,
      ca: svc.caBundle ? Buffer.from(svc.caBundle, 'base64').toString('utf8') : undefined,
      insecureSkipTLSVerify: svc.insecureSkipTLSVerify,
      client: pki.client,
    },
    pool,
    () => state.controller.enqueue(svc.name),
  );
}

/** kube-system/extension-apiserver-authentication: the request-header authenticator's settings. */
async function publishAuthentication(server: Server, pki: FrontProxyPki): Promise<void> {
  const client = inProcessClient(server);
  const gvr = { group: '', version: 'v1', resource: 'configmaps' };
  const data: Record<string, string> = {
    'requestheader-client-ca-file': pki.ca.cert,
    'requestheader-allowed-names': JSON.stringify([FRONT_PROXY_CLIENT_CN]),
    'requestheader-username-headers': JSON.stringify([REQUEST_HEADERS.user]),
    'requestheader-group-headers': JSON.stringify([REQUEST_HEADERS.group]),
    'requestheader-extra-headers-prefix': JSON.stringify([REQUEST_HEADERS.extraPrefix]),
  };
  const clusterCa = path.join(server.dataDir, 'pki', 'ca.crt');
  if (fs.existsSync(clusterCa)) data['client-ca-file'] = fs.readFileSync(clusterCa, 'utf8');
  const obj: KObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: AUTHENTICATION_CONFIGMAP, namespace: 'kube-system' }, data };
  try {
    await client.create(gvr, obj);
  } catch (err) {
    if (!isStatusReason(err, 'AlreadyExists')) throw err;
    const current = await client.get(gvr, { namespace: 'kube-system', name: AUTHENTICATION_CONFIGMAP });
    if (JSON.stringify(current.data) !== JSON.stringify(data)) await client.update(gvr, { ...current, data });
  }
}

export default definePlugin<AggregatorOptions>({
  name: PLUGIN_NAME,
  area: 'aggregator',
  description: 'kube-aggregator: proxies /apis/<group>/<version> of APIServices with a Service (front-proxy client certificate, X-Remote-* headers), Available condition, aggregated groups in discovery',
  dependencies: ['resources/APIService'],
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      probeIntervalSeconds: { type: 'number', exclusiveMinimum: 0, default: 10 },
      probeTimeoutSeconds: { type: 'number', exclusiveMinimum: 0, default: 5 },
      publishAuthenticationConfigMap: { type: 'boolean', default: true },
    },
  },
  apply(server, options) {
    const index = new APIServiceIndex(server);
    const discovery = getDiscoveryHooks(server);
    const openapi = getOpenApiHooks(server);
    const state: State = {
      index,
      controller: new AvailabilityController(
        server,
        index,
        () => state.pki?.client,
        options.probeIntervalSeconds * 1000,
        options.probeTimeoutSeconds * 1000,
        () => discovery.externalGroupsChanged.call(),
        () => openapi.externalDocumentsChanged.call(),
      ),
    };
    states.set(server, state);
    const pool = new AgentPool();
    discovery.externalGroups.tap(PLUGIN_NAME, (groups) => [...groups, ...state.controller.externalGroups()]);
    openapi.externalDocuments.tap(PLUGIN_NAME, (docs) => new Map([...docs, ...state.controller.openApiDocuments()]));

    server.hooks.initialize.tapPromise({ name: PLUGIN_NAME, stage: LifecycleStage.DEFAULT }, async () => {
      state.pki = await loadOrCreateFrontProxyPki(server.dataDir);
      await index.start();
    });
    // once kube-system exists (SystemNamespaces, same stage, applied earlier)
    server.hooks.initialize.tapPromise({ name: PLUGIN_NAME, stage: LifecycleStage.COMPONENTS }, async () => {
      if (options.publishAuthenticationConfigMap && state.pki) await publishAuthentication(server, state.pki);
    });
    server.hooks.postStart.tapPromise(PLUGIN_NAME, async () => state.controller.start());
    server.hooks.preShutdown.tapPromise(PLUGIN_NAME, async () => {
      state.controller.stop();
      index.stop();
      pool.clear();
    });

    server.hooks.resolveHandler.tap({ name: PLUGIN_NAME, stage: HandlerStage.AGGREGATOR }, (ctx) => {
      if (!ctx.path.startsWith('/apis/')) return undefined;
      const parts = ctx.path.split('/', 4);
      if (parts.length < 4 || !parts[2] || !parts[3]) return undefined;
      const svc = index.get(parts[2], parts[3]);
      if (!svc?.service) return undefined;
      return (req) => serve(server, state, pool, svc, req);
    });
  },
});
