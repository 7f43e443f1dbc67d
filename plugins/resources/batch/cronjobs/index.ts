/**
 * CronJob (batch/v1 cronjobs): defaults (Allow, not suspended, history 3/1, job template pod
 * defaults), schedule and time zone validation, job template validation, status, the printer.
 */
import type { KObject } from '../../../../core/registry/types';
import { age, since } from '../../shared/age';
import { invalid, notSupported, required } from '../../shared/field-errors';
import { arr, ensure, getPath, isRecord, setDefault, setDefaultString, str, type Json } from '../../shared/object';
import { defaultPodTemplate } from '../../shared/pod-defaults';
import { AGE_COLUMN, column, CONTAINERS_COLUMN, containerCells, IMAGES_COLUMN, NAME_COLUMN, wide } from '../../shared/printer';
import { defineResourcePlugin } from '../../shared/resource-plugin';
import { formatLabelSelector } from '../../shared/selectors';
import { onlyV1 } from '../../shared/versions';
import { validateNonNegative } from '../../shared/workloads';
import { validateJobSpec } from '../jobs/spec';
import { isValidTimeZone, scheduleProblem } from './schedule';

const CONCURRENCY = ['Allow', 'Forbid', 'Replace'];
/** job names get an 11-character suffix; they must stay within 63 */
const MAX_NAME_LENGTH = 52;

export default defineResourcePlugin({
  name: 'CronJob',
  description: 'batch/v1 cronjobs: defaults, schedule and template validation, status, printer',
  definition: {
    group: 'batch',
    versions: onlyV1('batch', 'CronJob'),
    names: { plural: 'cronjobs', singular: 'cronjob', kind: 'CronJob', listKind: 'CronJobList', shortNames: ['cj'], categories: ['all'] },
    namespaced: true,
    generation: 'spec',
    subresources: { status: true },
    printer: {
      columns: [
        NAME_COLUMN,
        column('Schedule', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
        column('Timezone', 'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.'),
        column('Suspend', 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.', 'boolean'),
        column('Active', 'A list of pointers to currently running jobs.', 'integer'),
        column('Last Schedule', 'Information when was the last time the job was successfully scheduled.'),
        AGE_COLUMN,
        CONTAINERS_COLUMN,
        IMAGES_COLUMN,
        wide('Selector', 'A label query over pods that should match the pod count.'),
      ],
      row(cj: KObject, now: Date) {
        const spec: Json = isRecord(cj.spec) ? cj.spec : {};
        const status: Json = isRecord(cj.status) ? cj.status : {};
        const suspend = typeof spec.suspend === 'boolean' ? (spec.suspend ? 'True' : 'False') : '<unset>';
        return [
          cj.metadata.name ?? '',
          str(spec.schedule),
          str(spec.timeZone) || '<none>',
          suspend,
          arr(status.active).length,
          status.lastScheduleTime ? since(status.lastScheduleTime, now) : '<none>',
          age(cj, now),
          ...containerCells(getPath(spec, 'jobTemplate.spec.template.spec.containers')),
          formatLabelSelector(getPath(spec, 'jobTemplate.spec.selector')),
        ];
      },
    },
  },
  defaults(cj) {
    const spec = ensure(cj as Json, 'spec');
    setDefaultString(spec, 'concurrencyPolicy', 'Allow');
    setDefault(spec, 'suspend', false);
    setDefault(spec, 'successfulJobsHistoryLimit', 3);
    setDefault(spec, 'failedJobsHistoryLimit', 1);
    defaultPodTemplate(getPath(spec, 'jobTemplate.spec.template'));
  },
  validate(cj, errors) {
    const name = cj.metadata.name ?? '';
    if (name.length > MAX_NAME_LENGTH) errors.push(invalid('metadata.name', name, `must be no more than ${MAX_NAME_LENGTH} characters`));
    const spec: Json = isRecord(cj.spec) ? cj.spec : {};
    const schedule = str(spec.schedule);
    if (!schedule) errors.push(required('spec.schedule', ''));
    else {
      const problem = scheduleProblem(schedule);
      if (problem) errors.push(invalid('spec.schedule', schedule, problem));
    }
    if (spec.timeZone !== undefined && spec.timeZone !== null && !isValidTimeZone(str(spec.timeZone))) {
      errors.push(invalid('spec.timeZone', spec.timeZone, 'unknown time zone'));
    }
    if (!CONCURRENCY.includes(str(spec.concurrencyPolicy))) errors.push(notSupported('spec.concurrencyPolicy', spec.concurrencyPolicy ?? '', CONCURRENCY));
    validateNonNegative(spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds', errors);
    validateNonNegative(spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit', errors);
    validateNonNegative(spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit', errors);
    const jobSpec = getPath(spec, 'jobTemplate.spec');
    if (!isRecord(jobSpec)) errors.push(required('spec.jobTemplate.spec', ''));
    else validateJobSpec(jobSpec, 'spec.jobTemplate.spec', errors, false);
  },
});
