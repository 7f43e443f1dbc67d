/**
 * LimitRanger: on pod creation, container requests and limits default from the namespace's
 * LimitRanges (`defaultRequest`, `default`) and the `kubernetes.io/limit-ranger` annotation says
 * what was set; then pods and PersistentVolumeClaims outside min / max / maxLimitRequestRatio are
 * refused with 403 Forbidden, as kube-apiserver answers.
 */
import { AdmissionStage } from '../../../hooks/stages';
import { definePlugin } from '../../../core/plugin/define';
import { getApiHooks } from '../../../core/registry/registry';
import type { AdmissionAttributes } from '../../../core/registry/types';
import type { Server } from '../../../core/server/server';
import { forbidden, isCore, listObjects, podSpecOf, type Json } from '../shared/admission';
import { aggregate, applyContainerDefaults, claimViolations, podViolations } from './limits';

const PLUGIN_NAME = 'LimitRanger';
export const LIMIT_RANGER_ANNOTATION = 'kubernetes.io/limit-ranger';

async function limitRanges(server: Server, namespace: string): Promise<Json[]> {
  return (await listObjects(server, '', 'limitranges', namespace)) as Json[];
}

async function mutate(server: Server, attrs: AdmissionAttributes): Promise<void> {
  if (attrs.operation !== 'CREATE' || !isCore(attrs, 'pods')) return;
  const spec = podSpecOf(attrs.object);
  if (!spec) return;
  const ranges = await limitRanges(server, attrs.namespace);
  if (ranges.length === 0) return;
  const set = applyContainerDefaults(spec, ranges);
  if (set.length) {
    const meta = attrs.object!.metadata;
    meta.annotations = { ...(meta.annotations ?? {}), [LIMIT_RANGER_ANNOTATION]: `LimitRanger plugin set: ${set.join('; ')}` };
  }
}

async function validate(server: Server, attrs: AdmissionAttributes): Promise<void> {
  if (attrs.operation !== 'CREATE' || !attrs.object) return;
  let errs: string[];
  if (isCore(attrs, 'pods')) {
    const spec = podSpecOf(attrs.object);
    if (!spec) return;
    const ranges = await limitRanges(server, attrs.namespace);
    errs = ranges.length ? podViolations(spec, ranges) : [];
  } else if (isCore(attrs, 'persistentvolumeclaims')) {
    const ranges = await limitRanges(server, attrs.namespace);
    errs = ranges.length ? claimViolations(attrs.object as Json, ranges) : [];
  } else return;
  if (errs.length) throw forbidden(attrs, aggregate(errs));
}

export default definePlugin({
  name: PLUGIN_NAME,
  area: 'admission',
  description: 'LimitRange defaults for containers; min/max/maxLimitRequestRatio checks (403)',
  apply(server) {
    const api = getApiHooks(server);
    api.mutatingAdmission.tapPromise({ name: PLUGIN_NAME, stage: AdmissionStage.LIMIT_RANGER }, (attrs) => mutate(server, attrs));
    api.validatingAdmission.tapPromise({ name: PLUGIN_NAME, stage: AdmissionStage.LIMIT_RANGER }, (attrs) => validate(server, attrs));
  },
});
