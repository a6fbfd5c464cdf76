#!/usr/bin/env node
/* eslint-disable no-console, no-restricted-syntax, no-restricted-imports */
// runmqsc stand-in for the queue-manager simulator (test/src/qm-simulator).
// Usage like the real one: `runmqsc [-e] [-v] QMNAME < script.mqsc`. It
// sends the script to the running simulator's control API (MQSIM_CONTROL_URL)
// and prints what the simulated queue manager answered, in runmqsc's format,
// exiting 0 (all processed), 10 (some failed) or 20 (not run).
'use strict';
const http = require('node:http');

const args = process.argv.slice(2).filter(a => !/^-[evw]/.test(a));
const qm = args[args.length - 1];
const controlUrl = process.env.MQSIM_CONTROL_URL;

function notAvailable(name) {
  process.stdout.write(
    `5724-H72 (C) Copyright IBM Corp. 1994, 2025.\nStarting MQSC for queue manager ${name}.\n\nAMQ8146E: IBM MQ queue manager not available.\n`,
  );
  process.exit(20);
}

if (!qm) {
  process.stderr.write('Usage: runmqsc [-e] [-v] QMgrName\n');
  process.exit(20);
}
if (!controlUrl) notAvailable(qm);

const chunks = [];
process.stdin.on('data', d => chunks.push(d));
process.stdin.on('end', () => {
  const body = Buffer.concat(chunks);
  const req = http.request(
    `${controlUrl.replace(/\/+$/, '')}/qmgrs/${encodeURIComponent(qm)}/runmqsc`,
    {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'content-length': body.length },
      timeout: 60000,
    },
    res => {
      const out = [];
      res.on('data', d => out.push(d));
      res.on('end', () => {
        try {
          const answer = JSON.parse(Buffer.concat(out).toString('utf8'));
          process.stdout.write(answer.stdout);
          process.exit(answer.exitCode);
        } catch {
          notAvailable(qm);
        }
      });
    },
  );
  req.on('error', () => notAvailable(qm));
  req.on('timeout', () => req.destroy());
  req.end(body);
});
