'use strict';
// mocha's spec output plus the one plain closing line CI reads: "N passed, N failed".
const Mocha = require('mocha');
const { EVENT_RUN_END } = Mocha.Runner.constants;

class K8tsReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats || {};
      // printed after the spec epilogue
      const line = `${s.passes || 0} passed, ${s.failures || 0} failed`;
      if (process.env.K8TS_SUMMARY_FILE) require('node:fs').writeFileSync(process.env.K8TS_SUMMARY_FILE, line);
      process.nextTick(() => console.log(line));
    });
  }
}
module.exports = K8tsReporter;
