/**
 * The built-in resources (area `resources`): one plugin per Kubernetes kind. plugins/index.ts
 * spreads this list into the catalogue.
 */
import type { PluginDefinition } from '../../core/plugin/define';
import ControllerRevision from './apps/controllerrevisions';
import DaemonSet from './apps/daemonsets';
import Deployment from './apps/deployments';
import ReplicaSet from './apps/replicasets';
import StatefulSet from './apps/statefulsets';
import HorizontalPodAutoscaler from './autoscaling/horizontalpodautoscalers';
import CronJob from './batch/cronjobs';
import Job from './batch/jobs';
import ConfigMap from './core/configmaps';
import Endpoints from './core/endpoints';
import Event from './core/events';
import LimitRange from './core/limitranges';
import Namespace from './core/namespaces';
import Node from './core/nodes';
import PersistentVolumeClaim from './core/persistentvolumeclaims';
import PersistentVolume from './core/persistentvolumes';
import PodTemplate from './core/podtemplates';
import Pod from './core/pods';
import ReplicationController from './core/replicationcontrollers';
import ResourceQuota from './core/resourcequotas';
import Secret from './core/secrets';
import ServiceAccount from './core/serviceaccounts';
import Service from './core/services';
import SystemNamespaces from './system-namespaces';
import APIService from './apiregistration/apiservices';
import CustomResourceDefinition from './apiextensions/customresourcedefinitions';
import Lease from './coordination/leases';
import EndpointSlice from './discovery/endpointslices';
import EventV1 from './events/events';
import IngressClass from './networking/ingressclasses';
import Ingress from './networking/ingresses';
import NetworkPolicy from './networking/networkpolicies';
import PodDisruptionBudget from './policy/poddisruptionbudgets';
import ClusterRoleBinding from './rbac/clusterrolebindings';
import ClusterRole from './rbac/clusterroles';
import RoleBinding from './rbac/rolebindings';
import Role from './rbac/roles';
import PriorityClass from './scheduling/priorityclasses';
import StorageClass from './storage/storageclasses';

export const resourcePlugins: readonly PluginDefinition<any>[] = Object.freeze([
  // core/v1
  Namespace,
  Pod,
  Service,
  Endpoints,
  Node,
  ConfigMap,
  Secret,
  ServiceAccount,
  Event,
  LimitRange,
  ResourceQuota,
  PersistentVolume,
  PersistentVolumeClaim,
  PodTemplate,
  ReplicationController,
  // apps/v1
  Deployment,
  ReplicaSet,
  StatefulSet,
  DaemonSet,
  ControllerRevision,
  // batch/v1
  Job,
  CronJob,
  // autoscaling/v2 (stored) and v1
  HorizontalPodAutoscaler,
  // not a resource: default, kube-system, kube-public, kube-node-lease and the kubernetes Service
  SystemNamespaces,
  // coordination.k8s.io/v1
  Lease,
  // discovery.k8s.io/v1
  EndpointSlice,
  // events.k8s.io/v1 (its own key space; see events/events/README.md)
  EventV1,
  // networking.k8s.io/v1
  Ingress,
  IngressClass,
  NetworkPolicy,
  // policy/v1
  PodDisruptionBudget,
  // rbac.authorization.k8s.io/v1
  Role,
  ClusterRole,
  RoleBinding,
  ClusterRoleBinding,
  // scheduling.k8s.io/v1
  PriorityClass,
  // storage.k8s.io/v1
  StorageClass,
  // apiregistration.k8s.io/v1 (stored and validated; the aggregator comes later)
  APIService,
  // apiextensions.k8s.io/v1 (stored and validated; serving CRDs comes later)
  CustomResourceDefinition,
]);
