/* eslint-disable no-console */
/*
 * `npm run qm:sim -- --config FILE`: starts simulated queue managers and
 * prints where they listen. See README.md beside this file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadSimulatorConfigFile } from './config';
import { startQueueManagerSimulator } from './simulator';

const HELP = `Usage: npm run qm:sim -- --config FILE [--help]

Starts simulated IBM MQ queue managers for tests and the local demo, on loopback:
  - a TLS listener per queue manager, serving the certificate its key repository
    (PKCS#12) holds under CERTLABL, chosen by SNI like MQ; re-read only on
    REFRESH SECURITY TYPE(SSL);
  - one mqweb stand-in (HTTPS, basic auth, CSRF header) answering
    POST /ibmmq/rest/v2/admin/action/qmgr/{qm}/mqsc;
  - a control API (faults, state) and a runmqsc stand-in script.

Options:
  --config FILE   YAML or JSON file (format: test/src/qm-simulator/README.md)
  --help          this text

Stop with Ctrl-C.`;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return;
  }
  const i = argv.indexOf('--config');
  const file = i >= 0 ? argv[i + 1] : undefined;
  if (!file) {
    console.error('qm:sim: --config FILE is required (see --help)');
    process.exitCode = 2;
    return;
  }
  const sim = await startQueueManagerSimulator(loadSimulatorConfigFile(file));
  for (const qm of sim.queueManagers) {
    console.log(
      `queue manager ${qm.name}: TLS listener ${qm.listener.host}:${
        qm.listener.port
      }${qm.mqscUrl ? `, mqsc ${qm.mqscUrl}` : ''}`,
    );
  }
  if (sim.rest) {
    const caFile = path.join(sim.stateDir, 'mqweb-ca.pem');
    fs.writeFileSync(caFile, sim.rest.caPem);
    console.log(
      `mqweb: ${sim.rest.baseUrl} (user ${sim.rest.username}); its CA certificate: ${caFile}`,
    );
  }
  console.log(`control API: ${sim.control.url}`);
  console.log(`runmqsc stand-in: ${sim.runmqscPath}`);
  const stop = () => {
    void sim.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch(e => {
  console.error(`qm:sim: ${(e as Error).message}`);
  process.exit(1);
});
