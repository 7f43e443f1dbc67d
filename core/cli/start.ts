import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { ConfigError } from '../config/errors';
import type { LoadedConfig } from '../config/load';
import { listen, type HttpListener } from '../http/listener';
import { loadOrCreatePki, writeAtomic } from '../http/pki';
import type { PluginDefinition } from '../plugin/define';
import { buildServer, type Built } from '../server/bootstrap';
import { tuneHeapGrowth } from './heap';
import { renderKubeconfig } from './kubeconfig';

export interface StartOptions {
  loaded: LoadedConfig;
  builtins: readonly PluginDefinition<any>[];
  logger?: Logger;
}

export interface Started extends Built {
  listener: HttpListener;
  kubeconfigPath: string;
}

/**
 * Start k8ts: V8's heap growth as GOGC=100 (heap.ts), build (pure), bind the listener (a port in use fails here, before any file is
 * written), write the PKI, `initialize`, `postStart`, then the kubeconfig. On any failure every
 * step already taken is undone: nothing half-started remains.
 */
export async function startK8ts(opts: StartOptions): Promise<Started> {
  tuneHeapGrowth();
  const built = buildServer({ loaded: opts.loaded, builtins: opts.builtins, logger: opts.logger });
  const { server } = built;
  const api = opts.loaded.config.apiserver;
  const pki = api.insecureHttp ? undefined : await loadOrCreatePki(server.dataDir, [api.bindAddress]);
  let listener: HttpListener;
  try {
    listener = await listen(server, {
      host: api.bindAddress,
      port: api.port,
      tls: pki ? { key: pki.serving.key, cert: pki.serving.cert, ca: pki.ca.cert, requestCert: true } : undefined,
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'EADDRINUSE' ? 'address already in use' : e.code === 'EACCES' ? 'permission denied' : e.message;
    throw new ConfigError(opts.loaded.file, 'apiserver.port', `cannot listen on ${api.bindAddress}:${api.port}: ${why}`);
  }
  server.addListener(listener);
  try {
    fs.mkdirSync(server.dataDir, { recursive: true });
    pki?.persist();
    await server.initialize();
    await server.started();
    const kubeconfigPath = path.join(server.dataDir, 'kubeconfig');
    const kubeServer = `${pki ? 'https' : 'http'}://${kubeHost(listener.host)}:${listener.port}`;
    writeAtomic(kubeconfigPath, renderKubeconfig({
        server: kubeServer,
        caPem: pki?.ca.cert,
        user: pki ? { clientCertPem: pki.admin.cert, clientKeyPem: pki.admin.key } : undefined,
      }), 0o600);
    return { ...built, listener, kubeconfigPath };
  } catch (err) {
    await server.stop(0).catch(() => undefined);
    throw err;
  }
}

function kubeHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
