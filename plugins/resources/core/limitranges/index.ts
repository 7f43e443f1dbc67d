/**
 * LimitRange (core/v1 limitranges): container defaults from max/min (SetDefaults_LimitRangeItem)
 * and min <= defaultRequest <= default <= max validation.
 */
import { child, duplicate, forbidden, index, invalid, notSupported, required, type FieldError } from '../../shared/field-errors';
import { isRecord, recs, str, type Json } from '../../shared/object';
import { parseQuantity, QUANTITY_FORMAT_MESSAGE } from '../../shared/quantity';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { onlyV1 } from '../../shared/versions';

const TYPES = ['Pod', 'Container', 'PersistentVolumeClaim'];
const LISTS = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const;

function fill(target: Json, from: unknown): void {
  if (!isRecord(from)) return;
  for (const [k, v] of Object.entries(from)) if (target[k] === undefined) target[k] = v;
}

function validateItem(item: Json, path: string, errors: FieldError[]): void {
  const type = str(item.type);
  if (!TYPES.includes(type)) errors.push(notSupported(child(path, 'type'), item.type ?? '', TYPES));
  const values: Record<string, Record<string, number>> = {};
  for (const list of LISTS) {
    values[list] = {};
    const m = item[list];
    if (!isRecord(m)) continue;
    for (const [res, q] of Object.entries(m)) {
      const v = parseQuantity(q);
      if (v === undefined) errors.push(invalid(index(child(path, list), res), q, QUANTITY_FORMAT_MESSAGE));
      else if (v < 0) errors.push(invalid(index(child(path, list), res), q, 'must be greater than or equal to 0'));
      else values[list][res] = v;
    }
  }
  if (type === 'Pod') {
    for (const list of ['default', 'defaultRequest'] as const) {
      if (isRecord(item[list]) && Object.keys(item[list] as Json).length) errors.push(forbidden(child(path, list), "may not be specified when `type` is 'Pod'"));
    }
  }
  if (type === 'PersistentVolumeClaim' && values.min.storage === undefined && values.max.storage === undefined) {
    errors.push(required(child(path, 'limits'), 'either minimum or maximum storage value is required, but neither was provided'));
  }
  const resources = new Set(Object.values(values).flatMap((m) => Object.keys(m)));
  for (const res of resources) {
    const { min, max, default: def, defaultRequest: req } = { min: values.min[res], max: values.max[res], default: values.default[res], defaultRequest: values.defaultRequest[res] };
    const q = (list: string) => (item[list] as Json)[res];
    if (min !== undefined && max !== undefined && min > max) errors.push(invalid(index(child(path, 'min'), res), q('min'), `min value ${String(q('min'))} is greater than max value ${String(q('max'))}`));
    if (req !== undefined && min !== undefined && min > req) errors.push(invalid(index(child(path, 'defaultRequest'), res), q('defaultRequest'), `min value ${String(q('min'))} is greater than default request value ${String(q('defaultRequest'))}`));
    if (req !== undefined && max !== undefined && req > max) errors.push(invalid(index(child(path, 'defaultRequest'), res), q('defaultRequest'), `default request value ${String(q('defaultRequest'))} is greater than max value ${String(q('max'))}`));
    if (req !== undefined && def !== undefined && req > def) errors.push(invalid(index(child(path, 'defaultRequest'), res), q('defaultRequest'), `default request value ${String(q('defaultRequest'))} is greater than default limit value ${String(q('default'))}`));
    if (def !== undefined && min !== undefined && min > def) errors.push(invalid(index(child(path, 'default'), res), q('default'), `min value ${String(q('min'))} is greater than default value ${String(q('default'))}`));
    if (def !== undefined && max !== undefined && def > max) errors.push(invalid(index(child(path, 'default'), res), q('default'), `default value ${String(q('default'))} is greater than max value ${String(q('max'))}`));
  }
}

export default defineResourcePlugin({
  name: 'LimitRange',
  description: 'core/v1 limitranges: container defaults, min/default/max validation',
  definition: {
    group: '',
    versions: onlyV1('', 'LimitRange'),
    names: { plural: 'limitranges', singular: 'limitrange', kind: 'LimitRange', listKind: 'LimitRangeList', shortNames: ['limits'] },
    namespaced: true,
    generation: 'none',
  },
  defaults(obj) {
    for (const item of recs((obj.spec as Json | undefined)?.limits)) {
      if (item.type !== 'Container') continue;
      const def: Json = isRecord(item.default) ? item.default : {};
      fill(def, item.max);
      const req: Json = isRecord(item.defaultRequest) ? item.defaultRequest : {};
      fill(req, def);
      fill(req, item.min);
      if (Object.keys(def).length) item.default = def;
      if (Object.keys(req).length) item.defaultRequest = req;
    }
  },
  validate(obj, errors) {
    const seen = new Set<string>();
    recs((obj.spec as Json | undefined)?.limits).forEach((item, i) => {
      const path = index('spec.limits', i);
      const type = str(item.type);
      if (seen.has(type)) errors.push(duplicate(child(path, 'type'), type));
      seen.add(type);
      validateItem(item, path, errors);
    });
  },
});
