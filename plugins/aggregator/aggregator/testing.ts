/**
 * Test support (not a test): a small extension API server, HTTPS on 127.0.0.1, serving
 * `metrics.example.dev/v1alpha1` with one cluster-scoped resource `nodemetrics` (get, list, watch),
 * its own discovery document, and a few misbehaviours on request (a redirect, a 200 to an upgrade
 * request). It trusts client certificates of the CA it is given (the front proxy's, read from
 * kube-system/extension-apiserver-authentication) and records every request it received with the
 * X-Remote-* headers and the verified client certificate's CN, as a real extension server would
 * authenticate the front proxy.
 */
import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { createCa, issueCertificate, type KeyPairPem } from '../../../core/http/pki';
import type { Client } from '../../../core/client';

export const EXT_GROUP = 'metrics.example.dev';
export const EXT_VERSION = 'v1alpha1';
export const EXT_BASE = `/apis/${EXT_GROUP}/${EXT_VERSION}`;

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  /** CN of the client certificate, when it verified against the trusted CA */
  clientCN?: string;
  /** the raw header pairs (repeated headers stay separate) */
  rawHeaders: string[];
}

export interface ExtensionServer {
  port: number;
  /** the CA that signed the serving certificate (base64 PEM, for caBundle) */
  caBundle: string;
  received: ReceivedRequest[];
  /** connections the server saw closed (for the upgrade test) */
  closedConnections: number;
  /** stop serving (new connections refused, open ones cut) */
  close(): Promise<void>;
}

export const RESOURCE_LIST = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: `${EXT_GROUP}/${EXT_VERSION}`,
  resources: [
    { name: 'nodemetrics', singularName: 'nodemetrics', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list', 'watch'], shortNames: ['nm'] },
  ],
};

/** The backend's OpenAPI v3 document of its group-version (for `kubectl explain`). */
export const OPENAPI_DOCUMENT = {
  openapi: '3.0.0',
  info: { title: 'metrics.example.dev', version: EXT_VERSION },
  paths: {
    [`${EXT_BASE}/nodemetrics/{name}`]: {
      get: {
        description: 'read the specified NodeMetrics',
        operationId: 'readMetricsV1alpha1NodeMetrics',
        responses: { '200': { description: 'OK', content: { 'application/json': { schema: { $ref: '#/components/schemas/dev.example.metrics.v1alpha1.NodeMetrics' } } } } },
        'x-kubernetes-action': 'get',
        'x-kubernetes-group-version-kind': { group: EXT_GROUP, version: EXT_VERSION, kind: 'NodeMetrics' },
      },
    },
  },
  components: {
    schemas: {
      'dev.example.metrics.v1alpha1.NodeMetrics': {
        type: 'object',
        description: 'NodeMetrics is the resource usage of one node.',
        properties: {
          apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
          kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
          metadata: { type: 'object', description: 'Standard object metadata.' },
          usage: { type: 'object', description: 'The memory and CPU usage.', additionalProperties: { type: 'string' } },
          window: { type: 'string', description: 'The sampling window.' },
        },
        'x-kubernetes-group-version-kind': [{ group: EXT_GROUP, version: EXT_VERSION, kind: 'NodeMetrics' }],
      },
    },
  },
};

function item(name: string) {
  return { apiVersion: `${EXT_GROUP}/${EXT_VERSION}`, kind: 'NodeMetrics', metadata: { name, creationTimestamp: '2026-01-01T00:00:00Z' }, usage: { cpu: '10m', memory: '20Mi' }, window: '30s' };
}

/** Start the server with a certificate for `<service>.<namespace>.svc`, trusting client certs of `clientCa`. */
export async function startExtensionServer(serviceDns: string, clientCa: string): Promise<ExtensionServer> {
  const ca: KeyPairPem = await createCa('extension-ca');
  const serving = await issueCertificate(ca, { commonName: serviceDns, serverAuth: true, dnsNames: [serviceDns] });
  const received: ReceivedRequest[] = [];
  const state = { closedConnections: 0 };
  const server = https.createServer({ key: serving.key, cert: serving.cert, ca: clientCa, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const socket = req.socket as TLSSocket;
    const cn = socket.authorized ? String(socket.getPeerCertificate().subject?.CN ?? '') : undefined;
    received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, clientCN: cn, rawHeaders: req.rawHeaders });
    const url = new URL(req.url ?? '/', 'https://x');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!cn) return json(401, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401 });
    if (url.pathname === EXT_BASE) return json(200, RESOURCE_LIST);
    if (url.pathname === `/openapi/v3${EXT_BASE}`) return json(200, OPENAPI_DOCUMENT);
    if (url.pathname === `${EXT_BASE}/redirect`) {
      res.writeHead(302, { location: `https://127.0.0.1:${(server.address() as AddressInfo).port}${EXT_BASE}/redirected` });
      return res.end();
    }
    if (url.pathname === `${EXT_BASE}/nodemetrics` && url.searchParams.get('watch') === 'true') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`${JSON.stringify({ type: 'ADDED', object: item('node-a') })}\n`);
      return; // held open until the client goes away
    }
    if (url.pathname === `${EXT_BASE}/nodemetrics`) {
      return json(200, { apiVersion: `${EXT_GROUP}/${EXT_VERSION}`, kind: 'NodeMetricsList', metadata: { resourceVersion: '1' }, items: [item('node-a'), item('node-b')] });
    }
    const m = new RegExp(`^${EXT_BASE}/nodemetrics/([^/]+)$`).exec(url.pathname);
    if (m && (m[1] === 'node-a' || m[1] === 'node-b')) return json(200, item(m[1]));
    json(404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404, message: `${url.pathname} not found` });
  });
  // upgrade requests: `<base>/echo` switches protocols (101) and echoes what it reads; anything
  // else answers a plain 200, which the proxy must not take for an upgrade
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    const tls = socket as TLSSocket;
    const cn = tls.authorized ? String(tls.getPeerCertificate().subject?.CN ?? '') : undefined;
    received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, clientCN: cn, rawHeaders: req.rawHeaders });
    if (cn && new URL(req.url ?? '/', 'https://x').pathname === `${EXT_BASE}/echo`) {
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${String(req.headers.upgrade)}\r\n\r\n`);
      socket.pipe(socket);
      return;
    }
    const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Success', message: 'no upgrade here', code: 200 });
    socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('secureConnection', (s) => {
    sockets.add(s);
    s.on('close', () => {
      sockets.delete(s);
      state.closedConnections++;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    port,
    caBundle: Buffer.from(ca.cert).toString('base64'),
    received,
    get closedConnections() {
      return state.closedConnections;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}

/** A selector-less Service `<name>` in `namespace` (port 443 -> `port`) and its Endpoints at 127.0.0.1:`port`. */
export async function createServiceAndEndpoints(client: Client, namespace: string, name: string, port: number): Promise<void> {
  await client.create({ group: '', version: 'v1', resource: 'services' }, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { ports: [{ port: 443, targetPort: port, protocol: 'TCP' }] },
  });
  await client.create({ group: '', version: 'v1', resource: 'endpoints' }, {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name, namespace },
    subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port, protocol: 'TCP' }] }],
  });
}

/** The APIService for the test group, pointing at Service `namespace/name`. */
export function extensionAPIService(namespace: string, name: string, caBundle?: string) {
  return {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: `${EXT_VERSION}.${EXT_GROUP}` },
    spec: {
      group: EXT_GROUP,
      version: EXT_VERSION,
      service: { namespace, name },
      groupPriorityMinimum: 100,
      versionPriority: 100,
      ...(caBundle ? { caBundle } : { insecureSkipTLSVerify: true }),
    },
  };
}
