/**
 * ServiceAccount token signing and verification (jose, ES256). The signing key is a P-256 key in
 * PKCS#8 PEM (`<data-dir>/pki/sa.key`, generated on first start). Tokens carry the claims of
 * Kubernetes' bound tokens: iss, sub, aud, exp, iat, nbf, jti and the private claim
 * `kubernetes.io: { namespace, serviceaccount: { name, uid }, pod?, secret?, node? }`.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type webcrypto } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeAtomic } from '../../../core/http/pki';

// jose 6 is ESM-only; node >= 20.19 loads it with require(). Its types are reached by file path
// because this project resolves modules the node10 way (no package "exports").
type Jose = typeof import('jose/dist/types/index');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jose = require('jose') as Jose;

export const ALG = 'ES256';

type CryptoKey = webcrypto.CryptoKey;

/** An object a token is bound to (TokenRequest spec.boundObjectRef). */
export interface BoundObject {
  kind: 'Pod' | 'Secret' | 'Node';
  name: string;
  uid: string;
}

/** The private claim `kubernetes.io`. */
export interface KubernetesClaims {
  namespace: string;
  serviceaccount: { name: string; uid: string };
  pod?: { name: string; uid: string };
  secret?: { name: string; uid: string };
  node?: { name: string; uid: string };
}

export interface IssueRequest {
  namespace: string;
  name: string;
  uid: string;
  audiences: readonly string[];
  expirationSeconds: number;
  bound?: BoundObject;
  /** issue as of this time (ms since the epoch; tests) */
  now?: number;
}

export interface VerifiedToken {
  subject: string;
  audiences: string[];
  jti?: string;
  claims: KubernetesClaims;
}

/** Read the PKCS#8 PEM key at `file`, or generate and write one (0600). */
export function loadOrCreateSigningKey(file: string): string {
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8');
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeAtomic(file, pem, 0o600);
  return pem;
}

/** A fresh signing key in PKCS#8 PEM (tests: a foreign signer). */
export function generateSigningKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Signs and verifies the tokens of one issuer. */
export class ServiceAccountTokenSigner {
  private constructor(
    private readonly signKey: CryptoKey,
    private readonly verifyKey: CryptoKey,
    readonly keyId: string,
    readonly issuer: string,
    /** the API's own audiences: what a request's token must be good for */
    readonly apiAudiences: readonly string[],
  ) {}

  static async create(privateKeyPem: string, issuer: string, apiAudiences: readonly string[]): Promise<ServiceAccountTokenSigner> {
    const privateKey = createPrivateKey(privateKeyPem);
    const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
    const signKey = await jose.importPKCS8(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), ALG);
    const verifyKey = await jose.importSPKI(spki, ALG, { extractable: true });
    const keyId = await jose.calculateJwkThumbprint(await jose.exportJWK(verifyKey));
    return new ServiceAccountTokenSigner(signKey, verifyKey, keyId, issuer, [...apiAudiences]);
  }

  /** A signed token and when it expires. */
  async issue(req: IssueRequest): Promise<{ token: string; expiration: Date }> {
    const iat = Math.floor((req.now ?? Date.now()) / 1000);
    const exp = iat + req.expirationSeconds;
    const k8s: KubernetesClaims = { namespace: req.namespace, serviceaccount: { name: req.name, uid: req.uid } };
    if (req.bound) {
      const ref = { name: req.bound.name, uid: req.bound.uid };
      if (req.bound.kind === 'Pod') k8s.pod = ref;
      else if (req.bound.kind === 'Secret') k8s.secret = ref;
      else k8s.node = ref;
    }
    const token = await new jose.SignJWT({ 'kubernetes.io': k8s })
      .setProtectedHeader({ alg: ALG, kid: this.keyId })
      .setIssuer(this.issuer)
      .setSubject(`system:serviceaccount:${req.namespace}:${req.name}`)
      .setAudience([...req.audiences])
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(this.signKey);
    return { token, expiration: new Date(exp * 1000) };
  }

  /** Is this token (unverified) one of ours? Only then is a failure to verify it an error. */
  claimsIssuer(token: string): boolean {
    if (token.split('.').length !== 3) return false;
    try {
      return jose.decodeJwt(token).iss === this.issuer;
    } catch {
      return false;
    }
  }

  /** Verify signature, issuer, audience and time; throws an Error saying why not. */
  async verify(token: string, audiences: readonly string[] = this.apiAudiences): Promise<VerifiedToken> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jose.jwtVerify(token, this.verifyKey, { issuer: this.issuer, audience: [...audiences], algorithms: [ALG], requiredClaims: ['exp', 'sub'] }));
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ERR_JWT_EXPIRED') throw new Error('service account token has expired');
      if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') throw new Error('service account token signature is invalid');
      if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && (err as { claim?: string }).claim === 'aud') throw new Error('token audiences is invalid for the target audiences');
      throw new Error(`service account token is invalid: ${(err as Error).message}`);
    }
    const k8s = payload['kubernetes.io'] as KubernetesClaims | undefined;
    if (!k8s || typeof k8s.namespace !== 'string' || typeof k8s.serviceaccount?.name !== 'string' || typeof k8s.serviceaccount?.uid !== 'string') {
      throw new Error('service account token is missing the kubernetes.io claims');
    }
    const subject = String(payload.sub);
    if (subject !== `system:serviceaccount:${k8s.namespace}:${k8s.serviceaccount.name}`) throw new Error('service account token subject does not match its kubernetes.io claims');
    const aud = payload.aud;
    return { subject, audiences: Array.isArray(aud) ? aud.map(String) : [String(aud)], jti: typeof payload.jti === 'string' ? payload.jti : undefined, claims: k8s };
  }
}
