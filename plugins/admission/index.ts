/**
 * The built-in admission plugins (area `admission`, all enabled by default) and the webhook
 * configuration resources they read (area `resources`). plugins/index.ts spreads this list into
 * the catalogue; stages (hooks/stages.ts AdmissionStage) order the taps.
 */
import type { PluginDefinition } from '../../core/plugin/define';
import DefaultTolerationSeconds from './default-toleration-seconds';
import LimitRanger from './limit-ranger';
import NamespaceLifecycle from './namespace-lifecycle';
import PodSecurity from './pod-security';
import Priority from './priority';
import ResourceQuota from './resource-quota';
import ServiceAccount from './service-account';
import { MutatingAdmissionWebhook, ValidatingAdmissionWebhook } from './webhook';
import { MutatingWebhookConfiguration, ValidatingWebhookConfiguration } from './webhook-configurations';

export const admissionPlugins: readonly PluginDefinition<any>[] = Object.freeze([
  NamespaceLifecycle,
  LimitRanger,
  ServiceAccount,
  PodSecurity,
  Priority,
  DefaultTolerationSeconds,
  MutatingAdmissionWebhook,
  ValidatingAdmissionWebhook,
  ResourceQuota,
  // admissionregistration.k8s.io/v1 (area resources)
  MutatingWebhookConfiguration,
  ValidatingWebhookConfiguration,
]);
