/**
 * The cluster CA and the apiserver serving certificate: generated on first start, kept in
 * `<data-dir>/pki/`, reused afterwards. ECDSA P-256 via @peculiar/x509 on node's WebCrypto.
 */
import * as x509 from '@peculiar/x509';
import { randomBytes, webcrypto } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
x509.cryptoProvider.set(webcrypto as any);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

export interface KeyPairPem {
  cert: string;
  key: string;
}

export interface Pki {
  ca: KeyPairPem;
  serving: KeyPairPem;
  /** client certificate for the admin kubeconfig: CN=kubernetes-admin, O=system:masters */
  admin: KeyPairPem;
  /** true if generated now (not yet on disk) */
  generated: boolean;
  /** write the files (atomically, 0600 for keys); a no-op when they were loaded */
  persist(): void;
}

const FILES = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  cert: 'apiserver.crt',
  key: 'apiserver.key',
  adminCert: 'admin.crt',
  adminKey: 'admin.key',
} as const;

/** Load the PKI from `<dataDir>/pki`, or generate it in memory (persist() writes it). */
export async function loadOrCreatePki(dataDir: string, hosts: readonly string[]): Promise<Pki> {
  const dir = path.join(dataDir, 'pki');
  const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
  if (Object.values(FILES).every((f) => fs.existsSync(path.join(dir, f)))) {
    return {
      ca: { cert: read(FILES.caCert), key: read(FILES.caKey) },
      serving: { cert: read(FILES.cert), key: read(FILES.key) },
      admin: { cert: read(FILES.adminCert), key: read(FILES.adminKey) },
      generated: false,
      persist: () => undefined,
    };
  }
  const ca = await createCa('k8ts-ca');
  const serving = await issueCertificate(ca, {
    commonName: 'kube-apiserver',
    serverAuth: true,
    dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', ...hosts.filter((h) => !isIp(h))],
    ips: ['127.0.0.1', '::1', ...hosts.filter(isIp)],
  });
  const admin = await issueCertificate(ca, { commonName: 'kubernetes-admin', organizations: ['system:masters'], clientAuth: true });
  return {
    ca,
    serving,
    admin,
    generated: true,
    persist() {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeAtomic(path.join(dir, FILES.caCert), ca.cert, 0o644);
      writeAtomic(path.join(dir, FILES.caKey), ca.key, 0o600);
      writeAtomic(path.join(dir, FILES.cert), serving.cert, 0o644);
      writeAtomic(path.join(dir, FILES.key), serving.key, 0o600);
      writeAtomic(path.join(dir, FILES.adminCert), admin.cert, 0o644);
      writeAtomic(path.join(dir, FILES.adminKey), admin.key, 0o600);
    },
  };
}

/** The front proxy's own CA and client certificate (kube-apiserver's --requestheader-client-ca-file, --proxy-client-cert-file). */
export interface FrontProxyPki {
  /** front-proxy-ca: extension API servers trust requests whose client certificate it signed */
  ca: KeyPairPem;
  /** CN=front-proxy-client: the aggregator's client certificate towards extension API servers */
  client: KeyPairPem;
}

export const FRONT_PROXY_CLIENT_CN = 'front-proxy-client';

const FRONT_PROXY_FILES = {
  caCert: 'front-proxy-ca.crt',
  caKey: 'front-proxy-ca.key',
  cert: 'front-proxy-client.crt',
  key: 'front-proxy-client.key',
} as const;

/** Load `<dataDir>/pki/front-proxy-*`, or generate and write them (keys 0600). */
export async function loadOrCreateFrontProxyPki(dataDir: string): Promise<FrontProxyPki> {
  const dir = path.join(dataDir, 'pki');
  const file = (f: string) => path.join(dir, f);
  const read = (f: string) => fs.readFileSync(file(f), 'utf8');
  if (Object.values(FRONT_PROXY_FILES).every((f) => fs.existsSync(file(f)))) {
    return { ca: { cert: read(FRONT_PROXY_FILES.caCert), key: read(FRONT_PROXY_FILES.caKey) }, client: { cert: read(FRONT_PROXY_FILES.cert), key: read(FRONT_PROXY_FILES.key) } };
  }
  const ca = await createCa('front-proxy-ca');
  const client = await issueCertificate(ca, { commonName: FRONT_PROXY_CLIENT_CN, clientAuth: true });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeAtomic(file(FRONT_PROXY_FILES.caCert), ca.cert, 0o644);
  writeAtomic(file(FRONT_PROXY_FILES.caKey), ca.key, 0o600);
  writeAtomic(file(FRONT_PROXY_FILES.cert), client.cert, 0o644);
  writeAtomic(file(FRONT_PROXY_FILES.key), client.key, 0o600);
  return { ca, client };
}

export async function createCa(commonName: string): Promise<KeyPairPem> {
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}`,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + TEN_YEARS_MS),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString('pem'), key: await exportKey(keys.privateKey) };
}

export interface IssueOptions {
  commonName: string;
  /** O= entries (Kubernetes groups for client certificates) */
  organizations?: readonly string[];
  serverAuth?: boolean;
  clientAuth?: boolean;
  dnsNames?: readonly string[];
  ips?: readonly string[];
  validityMs?: number;
}

/** Issue a certificate signed by `ca`. */
export async function issueCertificate(ca: KeyPairPem, opts: IssueOptions): Promise<KeyPairPem> {
  const caCert = new x509.X509Certificate(ca.cert);
  const caKey = await importKey(ca.key);
  const keys = await generateKeys();
  const subject = [`CN=${escapeDn(opts.commonName)}`, ...(opts.organizations ?? []).map((o) => `O=${escapeDn(o)}`)].join(', ');
  const usages = [...(opts.serverAuth ? [x509.ExtendedKeyUsage.serverAuth] : []), ...(opts.clientAuth ? [x509.ExtendedKeyUsage.clientAuth] : [])];
  const san = [...(opts.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })), ...(opts.ips ?? []).map((value) => ({ type: 'ip' as const, value }))];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject,
    issuer: caCert.subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + (opts.validityMs ?? TEN_YEARS_MS)),
    signingKey: caKey,
    publicKey: keys.publicKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      ...(usages.length ? [new x509.ExtendedKeyUsageExtension(usages)] : []),
      ...(san.length ? [new x509.SubjectAlternativeNameExtension(san)] : []),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return { cert: cert.toString('pem'), key: await exportKey(keys.privateKey) };
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function exportKey(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

async function importKey(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decode(pem)[0];
  return webcrypto.subtle.importKey('pkcs8', der, ALG, true, ['sign']);
}

function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  return bytes.toString('hex');
}

function escapeDn(v: string): string {
  return v.replace(/([,+"\\<>;=])/g, '\\$1');
}

function isIp(h: string): boolean {
  return /^[\d.]+$/.test(h) || h.includes(':');
}

/** write to a temp file beside, then rename: never a partial file */
export function writeAtomic(file: string, content: string, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content, { mode });
  fs.renameSync(tmp, file);
}
