/*
 * `npm start`: the demo portal on this machine — the Vault dev server, two
 * simulated queue managers, the Backstage backend and the portal frontend,
 * all on loopback. Ctrl-C (or SIGTERM) stops everything. See README.md
 * beside this file.
 */
/* eslint-disable no-console */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './demoConfig';
import { startDemoPortal } from './startDemoPortal';

const HELP = `Usage: npm start [-- options]

Starts the MQ certificates demo portal on loopback:
  Vault dev server, simulated queue managers QM1 and QM2, the Backstage
  backend and the portal frontend. Ctrl-C stops everything.

Options:
  --data-dir <dir>       where logs, SQLite files and key repositories go
                         (default .demo-state/ in the repository; emptied at start)
  --frontend-port <n>    portal port (default 3000)
  --backend-port <n>     backend port (default 7007)
  --verbose              also print the backend's and the frontend's output
  --help                 this text
`;

function parsePort(value: string | undefined, name: string) {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`--${name}: give a port number from 1 to 65535`);
  }
  return port;
}

/** Parent pid and process group of a process, from /proc (Linux). */
function procStat(pid: number): { ppid: number; pgrp: number } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state ppid pgrp
    const [, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(ppid), pgrp: Number(pgrp) };
  } catch {
    return undefined;
  }
}

/**
 * Calls `onGone` when a process that launched us (npm → sh → tsx, the
 * ancestors in our process group) has gone. `kill <npm's pid>` ends npm
 * and its shell but not the shell's children, which would leave the whole
 * stack running; Ctrl-C is fine, it reaches the whole group.
 */
function watchLaunchers(onGone: () => void) {
  const own = procStat(process.pid);
  if (!own) return;
  const launchers: number[] = [];
  for (let pid = own.ppid; pid > 1; ) {
    const stat = procStat(pid);
    if (!stat || stat.pgrp !== own.pgrp) break;
    launchers.push(pid);
    pid = stat.ppid;
  }
  const timer = setInterval(() => {
    const gone = launchers.some(pid => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    });
    if (gone) {
      clearInterval(timer);
      onGone();
    }
  }, 1000);
  timer.unref();
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      'frontend-port': { type: 'string' },
      'backend-port': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const dataDir = path.resolve(
    values['data-dir'] ?? path.join(REPO_ROOT, '.demo-state'),
  );
  const ports = {
    frontend: parsePort(values['frontend-port'], 'frontend-port'),
    backend: parsePort(values['backend-port'], 'backend-port'),
  };

  // A signal aborts a start in progress or ends the wait below; the
  // stopping itself happens in one place, after whichever it was.
  const abort = new AbortController();
  let stopRequested: (() => void) | undefined;
  const stopSignal = new Promise<void>(resolve => {
    stopRequested = resolve;
  });
  let signalledAt: number | undefined;
  const onSignal = (signal: string) => {
    if (signalledAt !== undefined) {
      // One Ctrl-C reaches us twice: from the terminal (the whole process
      // group) and as tsx relays it. Only a later one is the user's again.
      if (Date.now() - signalledAt > 1_000) {
        console.log(`\n${signal} again: still stopping, please wait…`);
      }
      return;
    }
    signalledAt = Date.now();
    console.log(`\n${signal}: stopping the demo…`);
    abort.abort();
    stopRequested!();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  watchLaunchers(() => onSignal('npm ended'));

  console.log(
    `Starting the demo (data folder ${dataDir}); about half a minute on a small machine…`,
  );
  const started = Date.now();
  let portal;
  try {
    portal = await startDemoPortal({
      ports,
      dataDir,
      echoBackendOutput: values.verbose,
      echoFrontendOutput: values.verbose,
      signal: abort.signal,
    });
  } catch (e) {
    if (signalledAt !== undefined) {
      // Ctrl-C during the start: startDemoPortal stopped what had started.
      console.log('Demo stopped.');
      return 0;
    }
    console.error(`\nThe demo did not start: ${(e as Error).message}`);
    console.error('Options (other ports, data folder): npm start -- --help');
    console.error(
      `Logs: ${path.join(dataDir, 'logs', 'backend.log')}, ${path.join(
        dataDir,
        'frontend',
        'frontend.log',
      )}`,
    );
    return 1;
  }

  const { urls } = portal.stack;
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(`
MQ certificates demo is running (started in ${seconds} s).

  Portal:  ${urls.frontend}
           sign in as Guest (user:development/guest, member of mq-admins,
           which owns both queue managers)
  QM1:     ${urls.entityPages.qm1}/mq-certificates
  QM2:     ${urls.entityPages.qm2}/mq-certificates   (refreshes need approval)
  Fleet:   ${urls.frontend}/mq-certificates

  Backend: ${urls.backend}   Vault: ${urls.vault}
  Logs:    ${path.join(dataDir, 'logs', 'backend.log')}
           ${path.join(dataDir, 'frontend', 'frontend.log')}

Press Ctrl-C to stop everything.
`);
  await stopSignal;
  await portal.stop();
  console.log('Demo stopped.');
  return 0;
}

main().then(
  code => process.exit(code),
  e => {
    console.error(e);
    process.exit(1);
  },
);
