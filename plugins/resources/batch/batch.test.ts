import assert from 'node:assert/strict';
import type { KObject } from '../../../core/registry/types';
import { bareServer, errorOn, resourceOf, runCreate, runUpdate } from '../shared/testing';
import CronJob from './cronjobs';
import { scheduleProblem } from './cronjobs/schedule';
import Job from './jobs';

const NOW = new Date('2026-11-26T12:00:00Z');
const server = bareServer([Job, CronJob]);
const r = (plural: string) => resourceOf(server, 'batch', plural);
const row = (plural: string, obj: unknown) => r(plural).definition.printer!.row(obj as KObject, NOW);

function job(extra: Record<string, unknown> = {}): Record<string, any> {
  return {
    metadata: { name: 'pi', namespace: 'default', uid: '1111-2222', creationTimestamp: '2026-11-26T11:00:00Z' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl' }] } }, ...extra },
  };
}

describe('resources/batch', () => {
  describe('Job', () => {
    it('defaults completions, parallelism, backoffLimit, completionMode and suspend', () => {
      const { obj, errors } = runCreate(r('jobs'), job());
      assert.deepEqual(errors, []);
      const spec = obj.spec as any;
      assert.deepEqual([spec.completions, spec.parallelism, spec.backoffLimit, spec.completionMode, spec.suspend], [1, 1, 6, 'NonIndexed', false]);
    });

    it('generates the controller-uid selector and job labels', () => {
      const { obj } = runCreate(r('jobs'), job());
      const spec = obj.spec as any;
      assert.deepEqual(spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': '1111-2222' } });
      assert.deepEqual(spec.template.metadata.labels, {
        'job-name': 'pi',
        'batch.kubernetes.io/job-name': 'pi',
        'controller-uid': '1111-2222',
        'batch.kubernetes.io/controller-uid': '1111-2222',
      });
      assert.equal(obj.metadata.labels?.['batch.kubernetes.io/job-name'], 'pi');
    });

    it('generates the selector once the uid is assigned after prepareForCreate', () => {
      const res = r('jobs');
      const obj = job() as KObject;
      delete obj.metadata.uid;
      res.hooks.defaults.call(obj);
      res.hooks.prepareForCreate.call(obj, undefined as never);
      assert.equal((obj.spec as any).selector, undefined);
      obj.metadata.uid = 'late-uid';
      const errors: any[] = [];
      res.hooks.validate.call(obj, errors, undefined as never);
      assert.deepEqual(errors, []);
      assert.equal((obj.spec as any).selector.matchLabels['batch.kubernetes.io/controller-uid'], 'late-uid');
    });

    it('keeps a manual selector and requires it to match', () => {
      const { errors } = runCreate(r('jobs'), job({ manualSelector: true, selector: { matchLabels: { a: 'b' } } }));
      assert.equal(errorOn(errors, 'spec.template.metadata.labels'), 'FieldValueInvalid');
    });

    it('rejects the defaulted restartPolicy Always', () => {
      const j = job();
      delete j.spec.template.spec.restartPolicy;
      assert.equal(errorOn(runCreate(r('jobs'), j).errors, 'spec.template.spec.restartPolicy'), 'FieldValueNotSupported');
    });

    it('requires completions for Indexed jobs', () => {
      const { errors } = runCreate(r('jobs'), job({ completionMode: 'Indexed', parallelism: 2 }));
      assert.equal(errorOn(errors, 'spec.completions'), 'FieldValueRequired');
    });

    it('makes the template immutable', () => {
      const old = runCreate(r('jobs'), job()).obj;
      const next = structuredClone(old) as any;
      next.spec.template.spec.containers[0].image = 'other';
      assert.equal(errorOn(runUpdate(r('jobs'), next, old).errors, 'spec.template'), 'FieldValueInvalid');
    });

    it('lets a suspended job that never started change its node selector', () => {
      const old = runCreate(r('jobs'), job({ suspend: true })).obj;
      const next = structuredClone(old) as any;
      next.spec.template.spec.nodeSelector = { zone: 'a' };
      assert.deepEqual(runUpdate(r('jobs'), next, old).errors, []);
    });

    it('prints Running, completions and duration', () => {
      const j = { ...job({ completions: 3, parallelism: 1 }), status: { succeeded: 1, startTime: '2026-11-26T11:58:00Z' } };
      assert.deepEqual(row('jobs', j).slice(0, 5), ['pi', 'Running', '1/3', '2m', '60m']);
    });

    it('prints Complete with the duration until completion', () => {
      const j = { ...job({ completions: 1 }), status: { succeeded: 1, startTime: '2026-11-26T11:00:00Z', completionTime: '2026-11-26T11:00:30Z', conditions: [{ type: 'Complete', status: 'True' }] } };
      assert.deepEqual(row('jobs', j).slice(1, 4), ['Complete', '1/1', '30s']);
    });

    it('prints N/1 of P without completions', () => {
      assert.equal(row('jobs', { ...job({ parallelism: 3 }), status: {} })[2], '0/1 of 3');
    });
  });

  describe('CronJob', () => {
    const cj = (schedule: unknown, extra: Record<string, unknown> = {}) => ({
      metadata: { name: 'nightly', namespace: 'default', creationTimestamp: '2026-11-26T11:00:00Z' },
      spec: { schedule, jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } } }, ...extra },
    });

    it('defaults concurrencyPolicy, suspend and history limits', () => {
      const { obj, errors } = runCreate(r('cronjobs'), cj('*/5 * * * *'));
      assert.deepEqual(errors, []);
      const spec = obj.spec as any;
      assert.deepEqual([spec.concurrencyPolicy, spec.suspend, spec.successfulJobsHistoryLimit, spec.failedJobsHistoryLimit], ['Allow', false, 3, 1]);
      assert.equal(spec.jobTemplate.spec.template.spec.containers[0].imagePullPolicy, 'Always');
    });

    it('requires a schedule', () => {
      assert.equal(errorOn(runCreate(r('cronjobs'), cj(undefined)).errors, 'spec.schedule'), 'FieldValueRequired');
    });

    it('rejects an unparseable schedule', () => {
      assert.equal(errorOn(runCreate(r('cronjobs'), cj('61 * * * *')).errors, 'spec.schedule'), 'FieldValueInvalid');
    });

    it('rejects an unknown time zone', () => {
      assert.equal(errorOn(runCreate(r('cronjobs'), cj('@hourly', { timeZone: 'Mars/Olympus' })).errors, 'spec.timeZone'), 'FieldValueInvalid');
    });

    it('accepts descriptors, names and steps', () => {
      for (const s of ['@daily', '@every 1h30m', '0 9 * JAN-MAR MON-FRI', '*/15 0-6/2 1,15 * ?']) assert.equal(scheduleProblem(s), undefined, s);
      assert.notEqual(scheduleProblem('* * * *'), undefined);
    });

    it('prints schedule, timezone, suspend, active and last schedule', () => {
      const c = { ...cj('@hourly', { suspend: false }), status: { active: [{ name: 'j1' }], lastScheduleTime: '2026-11-26T11:59:00Z' } };
      assert.deepEqual(row('cronjobs', c).slice(0, 7), ['nightly', '@hourly', '<none>', 'False', 1, '60s', '60m']);
    });
  });
});
