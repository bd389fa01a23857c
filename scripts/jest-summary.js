#!/usr/bin/env node
// Runs jest and closes with the one line CI reads: "N passed, N failed, N skipped".
// Extra arguments go to jest (e.g. a test path pattern).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sloppy-jest-')), 'report.json');
const jest = require.resolve('jest/bin/jest');
const run = spawnSync(process.execPath, [jest, '--json', '--outputFile', report, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
let summary;
try {
  summary = JSON.parse(fs.readFileSync(report, 'utf8'));
} catch {
  console.log('jest: 0 passed, 1 failed (jest wrote no report)');
  process.exit(run.status || 1);
}
const failed = summary.numFailedTests + summary.numRuntimeErrorTestSuites;
console.log(`jest: ${summary.numPassedTests} passed, ${failed} failed, ${summary.numPendingTests} skipped`);
process.exit(failed > 0 || run.status !== 0 ? 1 : 0);
