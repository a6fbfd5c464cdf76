#!/usr/bin/env node
/* eslint-disable no-console */
// Runs every check of the repository the way CI does and ends with one plain
// line `N passed, N failed`: type check and lint count as one check each, then
// every jest test of every workspace package (CI=true: no watch mode, and
// tests that need a missing system tool fail instead of skipping).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const extraJestArgs = process.argv.slice(2);
const env = { ...process.env, CI: 'true', FORCE_COLOR: '0' };
let passed = 0;
let failed = 0;

function run(label, cmd, args) {
  console.log(`\n=== ${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit' });
  return r.status === 0;
}

run('system packages', 'bash', [path.join(__dirname, 'system-deps.sh')]);

if (extraJestArgs.length === 0) {
  for (const [label, cmd, args] of [
    ['typecheck', 'npx', ['tsc', '--noEmit']],
    ['lint', 'npx', ['backstage-cli', 'repo', 'lint']],
  ]) {
    if (run(label, cmd, args)) passed += 1;
    else {
      failed += 1;
      console.log(`=== ${label} FAILED`);
    }
  }
}

const out = path.join(
  fs.mkdtempSync(path.join(os.tmpdir(), 'mqcert-jest-')),
  'results.json',
);
run('jest', 'npx', [
  'backstage-cli',
  'repo',
  'test',
  '--json',
  `--outputFile=${out}`,
  ...extraJestArgs,
]);
let jestOk = false;
try {
  const results = JSON.parse(fs.readFileSync(out, 'utf8'));
  passed += results.numPassedTests;
  failed += results.numFailedTests;
  // A suite that fails to load has no failed tests; count it as a failure.
  const brokenSuites = results.testResults.filter(
    s =>
      s.status === 'failed' &&
      s.assertionResults.every(a => a.status !== 'failed'),
  );
  for (const s of brokenSuites)
    console.log(`=== suite failed to run: ${path.relative(root, s.name)}`);
  failed += brokenSuites.length;
  jestOk =
    results.success === true ||
    (results.numFailedTests === 0 && brokenSuites.length === 0);
  if (results.numPendingTests > 0)
    console.log(`=== ${results.numPendingTests} tests skipped`);
  // Zero passing tests is not a green run: a --testNamePattern that matches
  // nothing, or suites that all skip, would otherwise print "0 passed, 0 failed"
  // and exit 0.
  if (results.numPassedTests === 0) {
    console.log('=== jest ran no tests');
    failed += 1;
    jestOk = false;
  }
} catch (e) {
  console.log(`=== could not read jest results: ${e.message}`);
  failed += 1;
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 && jestOk ? 0 : 1);
