/** The authentication plugins (area `authn`), in their default order. */
import type { PluginDefinition } from '../../core/plugin/define';
import Anonymous from './anonymous';
import Authentication from './authentication';
import Impersonation from './impersonation';
import InsecureHttp from './insecure-http';
import AuthenticationReviews from './reviews';
import ServiceAccountToken from './service-account-token';
import TokenFile from './token-file';
import X509 from './x509';

export const authnPlugins: readonly PluginDefinition<any>[] = Object.freeze([Authentication, X509, TokenFile, ServiceAccountToken, InsecureHttp, Anonymous, Impersonation, AuthenticationReviews]);
