/**
 * LimitRange arithmetic as plain functions: container defaults from `default`/`defaultRequest`,
 * and the min / max / maxLimitRequestRatio checks per Container, per Pod and per
 * PersistentVolumeClaim, with Kubernetes' messages.
 */
import { parseQuantity } from '../../resources/shared/quantity';
import { allContainers, isRecord, recs, type Json } from '../shared/admission';

function resourcesOf(c: Json): Json {
  if (!isRecord(c.resources)) c.resources = {};
  return c.resources as Json;
}

function map(v: unknown): Record<string, unknown> {
  return isRecord(v) ? v : {};
}

/** Fill missing container requests/limits from the LimitRange items of type Container; returns what was set. */
export function applyContainerDefaults(spec: Json, limitRanges: readonly Json[]): string[] {
  const set: string[] = [];
  for (const lr of limitRanges) {
    for (const item of recs(map(lr.spec).limits)) {
      if (item.type !== 'Container') continue;
      const defLimits = map(item.default);
      const defRequests = map(item.defaultRequest);
      for (const { list, container } of allContainers(spec)) {
        if (list === 'ephemeralContainers') continue; // ephemeral containers have no resources
        const who = `${list === 'initContainers' ? 'init container' : 'container'} ${String(container.name ?? '')}`;
        for (const [which, defaults] of [['requests', defRequests], ['limits', defLimits]] as const) {
          const names: string[] = [];
          for (const [res, q] of Object.entries(defaults)) {
            const r = resourcesOf(container);
            const current = map(r[which]);
            if (current[res] !== undefined) continue;
            r[which] = { ...current, [res]: q };
            names.push(res);
          }
          if (names.length) set.push(`${names.join(', ')} ${which === 'limits' ? 'limit' : 'request'} for ${who}`);
        }
        // a default limit below an unset request: the request follows the limit (as the pod defaults do)
        const r = resourcesOf(container);
        for (const [res, q] of Object.entries(map(r.limits))) {
          const requests = map(r.requests);
          if (requests[res] === undefined && defRequests[res] === undefined && defLimits[res] !== undefined) r.requests = { ...requests, [res]: q };
        }
      }
    }
  }
  return set;
}

function fmt(q: unknown): string {
  return typeof q === 'string' ? q : String(q);
}

function ratioString(r: number): string {
  return r.toFixed(6);
}

/** min/max/ratio of one LimitRange item against a request/limit pair (the "usage" of `what`). */
function checkItem(item: Json, what: string, requests: Record<string, unknown>, limits: Record<string, unknown>, errs: string[]): void {
  for (const [res, minQ] of Object.entries(map(item.min))) {
    const min = parseQuantity(minQ) ?? 0;
    const req = parseQuantity(requests[res]);
    const lim = parseQuantity(limits[res]);
    if (req === undefined) errs.push(`minimum ${res} usage per ${what} is ${fmt(minQ)}.  No request is specified`);
    else if (req < min) errs.push(`minimum ${res} usage per ${what} is ${fmt(minQ)}, but request is ${fmt(requests[res])}`);
    if (lim !== undefined && lim < min) errs.push(`minimum ${res} usage per ${what} is ${fmt(minQ)}, but limit is ${fmt(limits[res])}`);
  }
  for (const [res, maxQ] of Object.entries(map(item.max))) {
    const max = parseQuantity(maxQ) ?? 0;
    const req = parseQuantity(requests[res]);
    const lim = parseQuantity(limits[res]);
    if (lim === undefined) errs.push(`maximum ${res} usage per ${what} is ${fmt(maxQ)}.  No limit is specified`);
    else if (lim > max) errs.push(`maximum ${res} usage per ${what} is ${fmt(maxQ)}, but limit is ${fmt(limits[res])}`);
    if (req !== undefined && req > max) errs.push(`maximum ${res} usage per ${what} is ${fmt(maxQ)}, but request is ${fmt(requests[res])}`);
  }
  for (const [res, ratioQ] of Object.entries(map(item.maxLimitRequestRatio))) {
    const ratio = parseQuantity(ratioQ) ?? 0;
    const req = parseQuantity(requests[res]);
    const lim = parseQuantity(limits[res]);
    if (lim === undefined) errs.push(`${res} max limit to request ratio per ${what} is ${fmt(ratioQ)}, but no limit is specified`);
    else if (!req) errs.push(`${res} max limit to request ratio per ${what} is ${fmt(ratioQ)}, but no request is specified or request is 0`);
    else if (lim / req > ratio + 1e-9) errs.push(`${res} max limit to request ratio per ${what} is ${fmt(ratioQ)}, but provided ratio is ${ratioString(lim / req)}`);
  }
}

/** A pod's effective request/limit: max(sum of containers, largest init container) per resource. */
export function podTotals(spec: Json): { requests: Record<string, number>; limits: Record<string, number> } {
  const out = { requests: {} as Record<string, number>, limits: {} as Record<string, number> };
  for (const which of ['requests', 'limits'] as const) {
    const sum: Record<string, number> = {};
    for (const c of recs(spec.containers)) {
      for (const [res, q] of Object.entries(map(map(c.resources)[which]))) sum[res] = (sum[res] ?? 0) + (parseQuantity(q) ?? 0);
    }
    for (const c of recs(spec.initContainers)) {
      for (const [res, q] of Object.entries(map(map(c.resources)[which]))) sum[res] = Math.max(sum[res] ?? 0, parseQuantity(q) ?? 0);
    }
    if (isRecord(spec.overhead)) for (const [res, q] of Object.entries(spec.overhead)) sum[res] = (sum[res] ?? 0) + (parseQuantity(q) ?? 0);
    out[which] = sum;
  }
  return out;
}

/** Every violation of the Container and Pod items of the LimitRanges by a pod spec. */
export function podViolations(spec: Json, limitRanges: readonly Json[]): string[] {
  const errs: string[] = [];
  for (const lr of limitRanges) {
    for (const item of recs(map(lr.spec).limits)) {
      if (item.type === 'Container') {
        for (const { list, container } of allContainers(spec)) {
          if (list === 'ephemeralContainers') continue;
          const r = map(container.resources);
          checkItem(item, 'Container', map(r.requests), map(r.limits), errs);
        }
      } else if (item.type === 'Pod') {
        const t = podTotals(spec);
        // a resource some container leaves unset has no pod-level limit
        const limits: Record<string, unknown> = { ...t.limits };
        for (const res of Object.keys(limits)) {
          if (recs(spec.containers).some((c) => map(map(c.resources).limits)[res] === undefined)) delete limits[res];
        }
        checkItem(item, 'Pod', t.requests, limits, errs);
      }
    }
  }
  return errs;
}

/** Violations of the PersistentVolumeClaim items by a claim's storage request/limit. */
export function claimViolations(claim: Json, limitRanges: readonly Json[]): string[] {
  const errs: string[] = [];
  const r = map(map(claim.spec).resources);
  for (const lr of limitRanges) {
    for (const item of recs(map(lr.spec).limits)) {
      if (item.type !== 'PersistentVolumeClaim') continue;
      const requests = map(r.requests);
      const limits = map(r.limits);
      for (const [res, minQ] of Object.entries(map(item.min))) {
        const req = parseQuantity(requests[res]);
        if (req === undefined) errs.push(`minimum ${res} usage per PersistentVolumeClaim is ${fmt(minQ)}.  No request is specified`);
        else if (req < (parseQuantity(minQ) ?? 0)) errs.push(`minimum ${res} usage per PersistentVolumeClaim is ${fmt(minQ)}, but request is ${fmt(requests[res])}`);
      }
      for (const [res, maxQ] of Object.entries(map(item.max))) {
        const req = parseQuantity(requests[res]);
        if (req === undefined) errs.push(`maximum ${res} usage per PersistentVolumeClaim is ${fmt(maxQ)}.  No request is specified`);
        else if (req > (parseQuantity(maxQ) ?? 0)) errs.push(`maximum ${res} usage per PersistentVolumeClaim is ${fmt(maxQ)}, but request is ${fmt(requests[res])}`);
        const lim = parseQuantity(limits[res]);
        if (lim !== undefined && lim > (parseQuantity(maxQ) ?? 0)) errs.push(`maximum ${res} usage per PersistentVolumeClaim is ${fmt(maxQ)}, but limit is ${fmt(limits[res])}`);
      }
    }
  }
  return errs;
}

/** utilerrors.Aggregate's text: one error as is, several in brackets. */
export function aggregate(errs: readonly string[]): string {
  return errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`;
}
