#!/usr/bin/env node
'use strict';
// `npm test`: install what the suite needs from the system, build, run mocha over the compiled tests.
// Extra arguments are passed to mocha (e.g. `npm test -- --grep sqlite` or a spec file under dist/).
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { ensureSystemDeps } = require('./system-deps');

const root = path.resolve(__dirname, '..');
process.chdir(root);
ensureSystemDeps();

const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], { stdio: 'inherit' });
if (tsc.status !== 0) {
  console.error('build failed');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const args = process.argv.slice(2);
const hasSpec = args.some((a) => !a.startsWith('-') && /\.js$/.test(a));
const mochaArgs = [
  require.resolve('mocha/bin/mocha.js'),
  '--reporter', path.join(__dirname, 'reporter.js'),
  '--timeout', '30000',
  '--exit',
  ...(hasSpec ? [] : ['--recursive', 'dist/test/**/*.test.js', 'dist/core/**/*.test.js', 'dist/plugins/**/*.test.js', 'dist/hooks/**/*.test.js']),
  ...args,
];
const fs = require('node:fs');
const os = require('node:os');
const summary = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-test-')), 'summary');
const r = spawnSync(process.execPath, mochaArgs, { stdio: 'inherit', env: { ...process.env, K8TS_ROOT: root, K8TS_SUMMARY_FILE: summary } });
if (!fs.existsSync(summary)) {
  // mocha died before its end (a spec that throws on load, a crash, a signal): say so in the line CI reads
  console.error(`mocha ended without a summary (${r.signal ? `signal ${r.signal}` : `exit ${r.status}`})`);
  console.log('0 passed, 1 failed');
}
fs.rmSync(path.dirname(summary), { recursive: true, force: true });
process.exit(r.status === null ? 1 : r.status);
