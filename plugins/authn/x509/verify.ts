/**
 * Client certificate verification: the peer's chain must lead to one of the trusted CA
 * certificates (signature and issuer name at each step, intermediates marked CA), every
 * certificate on the path must be within its validity period, and a leaf with an extended key
 * usage must allow clientAuth. The user is the subject's CN, the groups its O entries.
 */
import * as px509 from '@peculiar/x509';
import { X509Certificate } from 'node:crypto';
import type { UserInfo } from '../../../core/pipeline/types';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ANY_EKU = '2.5.29.37.0';
const MAX_DEPTH = 8;

export type VerifyResult = { user: UserInfo } | { error: string };

/** Parse PEM text holding one or more CA certificates. */
export function parseCaBundle(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new X509Certificate(b));
}

function within(cert: X509Certificate, now: number): boolean {
  return now >= Date.parse(cert.validFrom) && now <= Date.parse(cert.validTo);
}

function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/**
 * Verify `leaf` (DER) with the intermediates the client sent against `roots`.
 * Returns the user (CN, O) or why the certificate is refused.
 */
export function verifyClientCertificate(leafDer: Buffer, intermediatesDer: readonly Buffer[], roots: readonly X509Certificate[], now = Date.now()): VerifyResult {
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(leafDer);
  } catch (err) {
    return { error: `x509: malformed certificate: ${(err as Error).message}` };
  }
  const intermediates = intermediatesDer.flatMap((der) => {
    try {
      return [new X509Certificate(der)];
    } catch {
      return [];
    }
  });
  const eku = leaf.keyUsage;
  if (eku && eku.length > 0 && !eku.includes(CLIENT_AUTH) && !eku.includes(ANY_EKU)) {
    return { error: 'x509: certificate specifies an incompatible key usage' };
  }
  let current = leaf;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    if (!within(current, now)) return { error: `x509: certificate has expired or is not yet valid: current time ${new Date(now).toISOString()} is outside ${current.validFrom} - ${current.validTo}` };
    const root = roots.find((r) => issuedBy(current, r));
    if (root) {
      if (!within(root, now)) return { error: 'x509: the certificate authority has expired or is not yet valid' };
      return { user: userOf(leafDer) };
    }
    const next = intermediates.find((i) => i.ca && i !== current && issuedBy(current, i));
    if (!next) return { error: 'x509: certificate signed by unknown authority' };
    current = next;
  }
  return { error: 'x509: certificate chain is too long' };
}

/** CN = username, O = groups (Kubernetes' CommonNameUserConversion). */
export function userOf(der: Buffer): UserInfo {
  const cert = new px509.X509Certificate(der);
  const name = cert.subjectName;
  const cn = name.getField('CN')[0] ?? '';
  return { username: cn, groups: [...name.getField('O')] };
}
