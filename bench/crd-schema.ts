/**
 * CRD schema library cost per custom resource: prune + applyDefaults + validate of a CronTab
 * (examples/crds/crontab.yaml: a pattern, a default, a CEL rule) and of a larger resource
 * (20 fields, a list-type map of 10 items, a CEL rule per item, a transition rule), plus the
 * one-time compile of a version.
 *
 *   npm run build && node dist/bench/crd-schema.js [--iterations 20000]
 *
 * Prints wall and CPU µs per operation (CPU time is the fairer number on a loaded machine) and the load average at start and end (numbers are noisy on a shared machine).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { schemaFor, type CustomResourceDefinition } from '../plugins/apiextensions/schema';
import type { KObject } from '../core/registry/types';

const i = process.argv.indexOf('--iterations');
const ITERATIONS = i >= 0 && Number(process.argv[i + 1]) > 0 ? Number(process.argv[i + 1]) : 20_000;
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

function crontab(): CustomResourceDefinition {
  const file = path.join(__dirname, '..', '..', 'examples', 'crds', 'crontab.yaml');
  const crd = parse(fs.readFileSync(file, 'utf8')) as CustomResourceDefinition;
  crd.metadata = { ...crd.metadata, uid: 'bench-crontab', resourceVersion: '1' };
  return crd;
}

function large(): CustomResourceDefinition {
  const fields: Record<string, unknown> = {};
  for (let f = 0; f < 20; f++) fields[`field${f}`] = f % 2 ? { type: 'integer', minimum: 0 } : { type: 'string', maxLength: 64 };
  fields.ports = {
    type: 'array',
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['name'],
    items: {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string' }, port: { type: 'integer' }, protocol: { type: 'string', enum: ['TCP', 'UDP'], default: 'TCP' } },
      'x-kubernetes-validations': [{ rule: 'self.port > 0 && self.port < 65536', message: 'bad port' }],
    },
  };
  fields.mode = { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'immutable' }] };
  const spec = { type: 'object', properties: fields };
  return {
    metadata: { name: 'larges.example.com', uid: 'bench-large', resourceVersion: '1' },
    spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'larges', kind: 'Large' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec } } } }] },
  };
}

function largeObject(): KObject {
  const spec: Record<string, unknown> = { mode: 'a', ports: Array.from({ length: 10 }, (_, p) => ({ name: `p${p}`, port: 8000 + p })) };
  for (let f = 0; f < 20; f++) spec[`field${f}`] = f % 2 ? f : `value-${f}`;
  return { apiVersion: 'example.com/v1', kind: 'Large', metadata: { name: 'x', namespace: 'default' }, spec };
}

function time(label: string, crd: CustomResourceDefinition, make: () => KObject, withOld: boolean): void {
  const t0 = process.hrtime.bigint();
  const s = schemaFor(crd, 'v1');
  const compileMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const old = make();
  s.applyDefaults(old);
  let errors = 0;
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let n = 0; n < ITERATIONS; n++) {
    const obj = make();
    s.prune(obj);
    s.applyDefaults(obj);
    errors += s.validate(obj, withOld ? old : undefined).length;
  }
  const us = Number(process.hrtime.bigint() - start) / 1e3 / ITERATIONS;
  const cpu = process.cpuUsage(cpu0);
  const cpuUs = (cpu.user + cpu.system) / ITERATIONS;
  console.log(`${label.padEnd(46)} compile ${compileMs.toFixed(1).padStart(6)} ms   prune+default+validate ${us.toFixed(1).padStart(6)} µs/op wall, ${cpuUs.toFixed(1).padStart(6)} µs/op CPU   (${errors} errors)`);
}

console.log(`load average at start: ${load()}  (${ITERATIONS} iterations)`);
const ct = crontab();
time('CronTab (pattern, default, 1 CEL rule)', ct, () => ({ apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'c', namespace: 'default' }, spec: { cronSpec: '*/5 * * * *', image: 'img', replicas: 2, junk: 1 } }), false);
time('Large (20 fields, 10-item map list, 11 rules)', large(), largeObject, false);
time('Large on update (transition rule; cached)', large(), largeObject, true);
console.log(`load average at end: ${load()}`);
