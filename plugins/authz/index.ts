/** The authorization area: the filter and union, the authorizers, the bootstrap policy and the reviews. */
import type { PluginDefinition } from '../../core/plugin/define';
import Authorization from './authorization';
import RBAC from './rbac';
import RBACBootstrap from './rbac-bootstrap';
import AuthorizationReviews from './reviews';
import SystemMasters from './system-masters';

export const authzPlugins: readonly PluginDefinition<any>[] = Object.freeze([Authorization, SystemMasters, RBAC, RBACBootstrap, AuthorizationReviews]);
