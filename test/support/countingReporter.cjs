// mocha's spec reporter, plus the run's totals written as JSON to $CTL_STATS_FILE so
// scripts/test.mjs can add up every suite into one closing line.
'use strict';
const fs = require('node:fs');
const Mocha = require('mocha');

class CountingSpec extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const file = process.env.CTL_STATS_FILE;
      if (!file) return;
      const s = runner.stats;
      fs.writeFileSync(file, JSON.stringify({ passed: s.passes, failed: s.failures, skipped: s.pending }));
    });
  }
}
module.exports = CountingSpec;
