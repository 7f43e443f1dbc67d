/**
 * The catalogue of built-in plugins. Registration order is irrelevant for behaviour (stages order
 * the taps); it is the default order within an area.
 */
import type { PluginDefinition } from '../core/plugin/define';
import Healthz from './apiserver/healthz';
import Version from './apiserver/version';
import KubeAPIServer from './apiserver/rest';
import Prometheus from './metrics/prometheus';
import Discovery from './apiserver/discovery';
import OpenAPI from './apiserver/openapi';
import SchemaValidation from './apiserver/schema-validation';
import APIExtensionServer from './apiextensions/apiextensions-server';
import { resourcePlugins } from './resources';
import { authzPlugins } from './authz';
import { authnPlugins } from './authn';
import MaxInFlight from './filters/max-in-flight';
import RequestTimeout from './filters/request-timeout';
import Audit from './audit/audit';
import ControllerManager from './controllers/controller-manager';
import GarbageCollector from './controllers/garbage-collector';
import NamespaceController from './controllers/namespace';
import ServiceAccountController from './controllers/serviceaccount';
import ReplicaSetController from './controllers/replicaset';
import DeploymentController from './controllers/deployment';
import JobController from './controllers/job';
import CronJobController from './controllers/cronjob';
import DaemonSetController from './controllers/daemonset';
import StatefulSetController from './controllers/statefulset';
import { admissionPlugins } from './admission';
import Hooks from '../hooks/dsl';
import { kubeletPlugins } from './kubelet';
import { aggregatorPlugins } from './aggregator';
import { schedulerPlugins } from './scheduler';

export const builtinPlugins: readonly PluginDefinition<any>[] = Object.freeze([Healthz, Version, Prometheus, ...resourcePlugins, KubeAPIServer, Discovery, OpenAPI, SchemaValidation, APIExtensionServer, MaxInFlight, RequestTimeout, Audit, ...authnPlugins, ...authzPlugins, ControllerManager, GarbageCollector, NamespaceController, ServiceAccountController, ReplicaSetController, DeploymentController, JobController, CronJobController, DaemonSetController, StatefulSetController, ...admissionPlugins, ...aggregatorPlugins, ...kubeletPlugins, ...schedulerPlugins, Hooks]);
