/**
 * X509: client certificates signed by the cluster CA (`<data-dir>/pki/ca.crt`, or `clientCAFile`).
 * CN is the user, each O a group. The verdict is kept per TLS connection (keep-alive requests reuse
 * it), but the validity period is checked again on every request.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import { definePlugin } from '../../../core/plugin/define';
import { AuthenticatorStage, LifecycleStage } from '../../../hooks/stages';
import { getAuthnHooks } from '../authentication/hooks';
import { parseCaBundle, verifyClientCertificate, type VerifyResult } from './verify';

const PLUGIN_NAME = 'X509';

export interface X509Options {
  /** PEM bundle of the CAs that sign client certificates; default `<data-dir>/pki/ca.crt` */
  clientCAFile?: string;
}

interface Verdict {
  result: VerifyResult;
  notAfter: number;
  notBefore: number;
}

function peerChain(socket: TLSSocket): { leaf: Buffer; intermediates: Buffer[]; notBefore: number; notAfter: number } | undefined {
  const peer = socket.getPeerCertificate(true) as DetailedPeerCertificate;
  if (!peer || !peer.raw) return undefined;
  const intermediates: Buffer[] = [];
  const seen = new Set<DetailedPeerCertificate>([peer]);
  let cur = peer.issuerCertificate;
  while (cur && !seen.has(cur) && cur.raw && intermediates.length < 8) {
    seen.add(cur);
    intermediates.push(cur.raw);
    cur = cur.issuerCertificate;
  }
  return { leaf: peer.raw, intermediates, notBefore: Date.parse(peer.valid_from), notAfter: Date.parse(peer.valid_to) };
}

export default definePlugin<X509Options>({
  name: PLUGIN_NAME,
  area: 'authn',
  description: 'Client certificates signed by the cluster CA: CN = user, O = groups',
  dependencies: ['authn/Authentication'],
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { clientCAFile: { type: 'string', minLength: 1 } },
  },
  apply(server, options) {
    let roots: X509Certificate[] = [];
    const verdicts = new WeakMap<TLSSocket, Verdict>();

    server.hooks.initialize.tapPromise({ name: PLUGIN_NAME, stage: LifecycleStage.DEFAULT }, async () => {
      const file = options?.clientCAFile ? path.resolve(options.clientCAFile) : path.join(server.dataDir, 'pki', 'ca.crt');
      if (!fs.existsSync(file)) {
        if (options?.clientCAFile) throw new Error(`X509: clientCAFile ${file} does not exist`);
        return; // plain HTTP: no cluster CA, no client certificates
      }
      roots = parseCaBundle(fs.readFileSync(file, 'utf8'));
    });

    getAuthnHooks(server).authenticate.tap({ name: PLUGIN_NAME, stage: AuthenticatorStage.X509 }, (ctx, attempt) => {
      const socket = ctx.tlsSocket;
      if (!socket || !attempt.clientCertificate) return undefined;
      let verdict = verdicts.get(socket);
      if (!verdict) {
        const chain = peerChain(socket);
        if (!chain) return undefined;
        verdict = { result: verifyClientCertificate(chain.leaf, chain.intermediates, roots), notBefore: chain.notBefore, notAfter: chain.notAfter };
        verdicts.set(socket, verdict);
      }
      const now = Date.now();
      if ('error' in verdict.result || now > verdict.notAfter || now < verdict.notBefore) {
        const message = 'error' in verdict.result ? verdict.result.error : 'x509: certificate has expired or is not yet valid';
        attempt.errors.push({ authenticator: PLUGIN_NAME, message });
        return undefined;
      }
      const user = verdict.result.user;
      return { user: { ...user, groups: [...user.groups] }, authenticator: PLUGIN_NAME };
    });
  },
});
