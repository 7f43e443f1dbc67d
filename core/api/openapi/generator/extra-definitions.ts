/**
 * Definitions kubernetes-types does not have at all, written here by hand (descriptions are ours):
 * kube-aggregator's apiregistration.k8s.io/v1 APIService, which manifests such as metrics-server's
 * carry and the aggregator plugin serves.
 */
import type { Schema } from '../schema-types';
import { ref } from './walk-types';

const AR = 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

const typeMeta = {
  apiVersion: { description: 'APIVersion defines the versioned schema of this representation of an object.', type: 'string' },
  kind: { description: 'Kind is a string value representing the REST resource this object represents.', type: 'string' },
};

export const EXTRA_DEFINITIONS: Record<string, Schema> = {
  [`${AR}.APIService`]: {
    description: 'APIService represents a server for a particular GroupVersion. Name must be "version.group".',
    type: 'object',
    properties: {
      ...typeMeta,
      metadata: { allOf: [{ $ref: ref(`${META}.ObjectMeta`) }], description: "Standard object's metadata." },
      spec: { allOf: [{ $ref: ref(`${AR}.APIServiceSpec`) }], description: 'Spec contains information for locating and communicating with a server.' },
      status: { allOf: [{ $ref: ref(`${AR}.APIServiceStatus`) }], description: 'Status contains derived information about an API server.' },
    },
    'x-kubernetes-group-version-kind': [{ group: 'apiregistration.k8s.io', kind: 'APIService', version: 'v1' }],
  },
  [`${AR}.APIServiceList`]: {
    description: 'APIServiceList is a list of APIService objects.',
    type: 'object',
    properties: {
      ...typeMeta,
      items: { description: 'Items is the list of APIService.', type: 'array', items: { $ref: ref(`${AR}.APIService`) } },
      metadata: { allOf: [{ $ref: ref(`${META}.ListMeta`) }], description: 'Standard list metadata.' },
    },
    required: ['items'],
    'x-kubernetes-group-version-kind': [{ group: 'apiregistration.k8s.io', kind: 'APIServiceList', version: 'v1' }],
  },
  [`${AR}.APIServiceSpec`]: {
    description: 'APIServiceSpec contains information for locating and communicating with a server. Only https is supported, though you are able to disable certificate verification.',
    type: 'object',
    properties: {
      caBundle: { description: "CABundle is a PEM encoded CA bundle which will be used to validate an API server's serving certificate. If unspecified, system trust roots on the apiserver are used.", type: 'string', format: 'byte' },
      group: { description: 'Group is the API group name this server hosts.', type: 'string' },
      groupPriorityMinimum: {
        description: 'GroupPriorityMinimum is the priority this group should have at least. Higher priority means that the group is preferred by clients over lower priority ones.',
        type: 'integer',
        format: 'int32',
      },
      insecureSkipTLSVerify: { description: 'InsecureSkipTLSVerify disables TLS certificate verification when communicating with this server. This is strongly discouraged. You should use the CABundle instead.', type: 'boolean' },
      service: { allOf: [{ $ref: ref(`${AR}.ServiceReference`) }], description: 'Service is a reference to the service for this API server. It must communicate on port 443. If the Service is nil, that means the handling for the API groupversion is handled locally on this server.' },
      version: { description: 'Version is the API version this server hosts. For example, "v1".', type: 'string' },
      versionPriority: {
        description: 'VersionPriority controls the ordering of this API version inside of its group. Must be greater than zero. Since it is inside of a group, the number can be small, probably in the 10s.',
        type: 'integer',
        format: 'int32',
      },
    },
    required: ['groupPriorityMinimum', 'versionPriority'],
  },
  [`${AR}.APIServiceStatus`]: {
    description: 'APIServiceStatus contains derived information about an API server.',
    type: 'object',
    properties: {
      conditions: {
        description: 'Current service state of apiService.',
        type: 'array',
        items: { $ref: ref(`${AR}.APIServiceCondition`) },
        'x-kubernetes-list-map-keys': ['type'],
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-patch-merge-key': 'type',
        'x-kubernetes-patch-strategy': 'merge',
      },
    },
  },
  [`${AR}.APIServiceCondition`]: {
    description: 'APIServiceCondition describes the state of an APIService at a particular point.',
    type: 'object',
    properties: {
      lastTransitionTime: { allOf: [{ $ref: ref(`${META}.Time`) }], description: 'Last time the condition transitioned from one status to another.' },
      message: { description: 'Human-readable message indicating details about last transition.', type: 'string' },
      reason: { description: "Unique, one-word, CamelCase reason for the condition's last transition.", type: 'string' },
      status: { description: 'Status is the status of the condition. Can be True, False, Unknown.', type: 'string' },
      type: { description: 'Type is the type of the condition.', type: 'string' },
    },
    required: ['type', 'status'],
  },
  [`${AR}.ServiceReference`]: {
    description: 'ServiceReference holds a reference to Service.legacy.k8s.io.',
    type: 'object',
    properties: {
      name: { description: 'Name is the name of the service.', type: 'string' },
      namespace: { description: 'Namespace is the namespace of the service.', type: 'string' },
      port: { description: 'If specified, the port on the service that hosting webhook. Default to 443 for backward compatibility. `port` should be a valid port number (1-65535, inclusive).', type: 'integer', format: 'int32' },
    },
  },
};
