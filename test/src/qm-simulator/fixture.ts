/*
 * A ready simulator for tests: a test PKI, a temp folder with a PKCS#12
 * repository holding the queue manager's label and a channel label, and a
 * running simulator with QM1 (channels DEV.APP.SVRCONN without a label and
 * TO.QM2 with its own).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SimulatedQueueManagerConfig } from './config';
import {
  startQueueManagerSimulator,
  type QueueManagerSimulator,
} from './simulator';
import {
  buildTestPkcs12,
  createTestPki,
  type TestCertificate,
  type TestPki,
} from './testPki';

export const FIXTURE_PASSWORD = 'sim-keystore-pw';

export interface SimulatorFixture {
  sim: QueueManagerSimulator;
  pki: TestPki;
  dir: string;
  /** Certificates in the initial repository (`key-1.p12`). */
  qmCertificate: TestCertificate;
  channelCertificate: TestCertificate;
  /** Writes a repository with the given labelled certificates (plus the CA chain); returns its path. */
  writeRepository(
    fileName: string,
    entries: { label: string; certificate: TestCertificate }[],
    password?: string,
  ): string;
  stop(): Promise<void>;
}

let sharedPki: TestPki | undefined;

/** One test PKI per test process (key generation is the slow part). */
export function sharedTestPki(): TestPki {
  sharedPki ??= createTestPki();
  return sharedPki;
}

export async function startSimulatorFixture(
  overrides: Partial<SimulatedQueueManagerConfig> = {},
  pki: TestPki = sharedTestPki(),
): Promise<SimulatorFixture> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqsim-fixture-'));
  const writeRepository: SimulatorFixture['writeRepository'] = (
    fileName,
    entries,
    password = FIXTURE_PASSWORD,
  ) => {
    const file = path.join(dir, fileName);
    fs.writeFileSync(
      file,
      buildTestPkcs12({
        entries: entries.map(e => ({ label: e.label, ...e.certificate })),
        caCertificatesPem: pki.chainPem,
        password,
        iterations: 64,
      }),
      { mode: 0o600 },
    );
    return file;
  };
  const qmCertificate = pki.issue('qm1.mq.example.test');
  const channelCertificate = pki.issue('qm1-to-qm2.mq.example.test');
  const initial = writeRepository('key-1.p12', [
    { label: 'qm1cert', certificate: qmCertificate },
    { label: 'qm1chl', certificate: channelCertificate },
  ]);
  const sim = await startQueueManagerSimulator({
    queueManagers: [
      {
        name: 'QM1',
        sslKeyRepository: initial,
        certificateLabel: 'qm1cert',
        keyRepositoryPassword: FIXTURE_PASSWORD,
        channels: [
          { name: 'DEV.APP.SVRCONN' },
          { name: 'TO.QM2', type: 'RCVR', certificateLabel: 'qm1chl' },
        ],
        ...overrides,
      },
    ],
    stateDir: path.join(dir, 'state'),
  });
  return {
    sim,
    pki,
    dir,
    qmCertificate,
    channelCertificate,
    writeRepository,
    stop: async () => {
      await sim.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
