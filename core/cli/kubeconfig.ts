import { stringify } from 'yaml';

export interface KubeconfigOptions {
  server: string;
  /** PEM of the cluster CA; omitted for plain HTTP */
  caPem?: string;
  user?: { clientCertPem?: string; clientKeyPem?: string; token?: string };
  name?: string;
}

/** A kubeconfig that the real kubectl and @kubernetes/client-node both accept. */
export function renderKubeconfig(opts: KubeconfigOptions): string {
  const name = opts.name ?? 'k8ts';
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const cluster: Record<string, unknown> = { server: opts.server };
  if (opts.caPem) cluster['certificate-authority-data'] = b64(opts.caPem);
  else cluster['insecure-skip-tls-verify'] = true;
  const user: Record<string, unknown> = {};
  if (opts.user?.clientCertPem) user['client-certificate-data'] = b64(opts.user.clientCertPem);
  if (opts.user?.clientKeyPem) user['client-key-data'] = b64(opts.user.clientKeyPem);
  if (opts.user?.token) user.token = opts.user.token;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster }],
    users: [{ name: `${name}-admin`, user }],
    contexts: [{ name, context: { cluster: name, user: `${name}-admin`, namespace: 'default' } }],
    'current-context': name,
    preferences: {},
  });
}
