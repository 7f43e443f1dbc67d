/**
 * Pod (core/v1 pods): defaults, validation, status, binding and eviction subresources, the
 * READY/STATUS/RESTARTS printer and the pod field selectors.
 */
import type { KObject } from '../../../../core/registry/types';
import { child, index, invalid, notSupported, type FieldError } from '../../shared/field-errors';
import { isValidIP } from '../../shared/names';
import { ensure, isRecord, recs, str, type Json } from '../../shared/object';
import { defaultPodOnly, defaultPodSpec } from '../../shared/pod-defaults';
import { validatePodSpec, validatePodSpecUpdate } from '../../shared/pod-validation';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { onlyV1 } from '../../shared/versions';
import { podPrinter } from './printer';
import { podQOSClass } from './qos';
import { bindingSubresource, evictionSubresource } from './subresources';

const PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'];

function specOf(obj: KObject): Json {
  return isRecord(obj.spec) ? obj.spec : {};
}

/** The field selectors Kubernetes supports on pods (pod.PodToSelectableFields). */
export const podFieldSelectors = {
  'spec.nodeName': (o: KObject) => str(specOf(o).nodeName),
  'spec.restartPolicy': (o: KObject) => str(specOf(o).restartPolicy),
  'spec.schedulerName': (o: KObject) => str(specOf(o).schedulerName),
  'spec.serviceAccountName': (o: KObject) => str(specOf(o).serviceAccountName),
  'spec.hostNetwork': (o: KObject) => String(specOf(o).hostNetwork === true),
  'status.phase': (o: KObject) => str((o.status as Json | undefined)?.phase),
  'status.podIP': (o: KObject) => {
    const status: Json = isRecord(o.status) ? o.status : {};
    return str(recs(status.podIPs)[0]?.ip) || str(status.podIP);
  },
  'status.nominatedNodeName': (o: KObject) => str((o.status as Json | undefined)?.nominatedNodeName),
};

function validateContainersOnlyForPod(spec: Json, errors: FieldError[]): void {
  for (const list of ['initContainers', 'containers']) {
    recs(spec[list]).forEach((c, i) => {
      const image = str(c.image);
      if (image && image.trim() !== image) errors.push(invalid(child(index(`spec.${list}`, i), 'image'), image, 'must not have leading or trailing whitespace'));
    });
  }
}

function validatePodStatus(obj: KObject, errors: FieldError[]): void {
  const status: Json = isRecord(obj.status) ? obj.status : {};
  if (status.phase !== undefined && status.phase !== '' && !PHASES.includes(str(status.phase))) {
    errors.push(notSupported('status.phase', status.phase, PHASES));
  }
  recs(status.podIPs).forEach((ip, i) => {
    for (const msg of isValidIP(str(ip.ip))) errors.push(invalid(child(index('status.podIPs', i), 'ip'), ip.ip ?? '', msg));
  });
}

/**
 * podStrategy.CheckGracefulDelete: the requested grace period, else the pod's
 * terminationGracePeriodSeconds; 0 (delete now) for unscheduled or terminated pods.
 */
export function podGracePeriod(pod: KObject, requested: number | undefined): number {
  const spec = specOf(pod);
  let period = requested ?? (typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 0);
  if (!str(spec.nodeName)) period = 0;
  const phase = str((pod.status as Json | undefined)?.phase);
  if (phase === 'Failed' || phase === 'Succeeded') period = 0;
  if (period < 0) period = 1;
  return period;
}

export default defineResourcePlugin({
  name: 'Pod',
  description: 'core/v1 pods: defaults, validation, status, binding and eviction subresources, printer, field selectors',
  definition: (_options, server) => ({
    group: '',
    versions: onlyV1('', 'Pod'),
    names: { plural: 'pods', singular: 'pod', kind: 'Pod', listKind: 'PodList', shortNames: ['po'], categories: ['all'] },
    namespaced: true,
    generation: 'none',
    subresources: { status: true, custom: [bindingSubresource(server), evictionSubresource(server)] },
    printer: podPrinter,
    fieldSelectors: podFieldSelectors,
  }),
  defaults(obj) {
    const spec = ensure(obj as Json, 'spec');
    defaultPodSpec(spec);
    defaultPodOnly(spec);
  },
  prepareForCreate(obj) {
    const spec = specOf(obj);
    const status: Json = { phase: 'Pending', qosClass: podQOSClass(spec) };
    if (recs(spec.schedulingGates).length > 0) {
      status.conditions = [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates', lastProbeTime: null, lastTransitionTime: null }];
    }
    (obj as Json).status = status;
  },
  validate(obj, errors) {
    validatePodSpec(obj.spec, 'spec', errors);
    validateContainersOnlyForPod(specOf(obj), errors);
  },
  validateUpdate(obj, old, errors) {
    validatePodSpecUpdate(obj.spec, old.spec, 'spec', errors);
  },
  validateStatusUpdate(obj, _old, errors) {
    validatePodStatus(obj, errors);
  },
  gracefulDelete(obj, { gracePeriodSeconds }) {
    return podGracePeriod(obj, gracePeriodSeconds);
  },
});
