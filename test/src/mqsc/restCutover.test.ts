import fs from 'node:fs';
import os from 'node:os';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import {
  buildPkcs12,
  createMqscRunner,
  CutoverError,
  cutOver,
  inspectPkcs12,
  MqscError,
  NodeTlsProbe,
  readQmgrTlsSettings,
  refreshSslSecurity,
  RestMqscRunner,
  rollBackCutover,
  buildAlterQmgrTlsCommand,
} from '@mqcert/plugin-mq-certificates-node';
import {
  startSimulatorFixture,
  type SimulatorFixture,
} from '../qm-simulator/fixture';
import { sharedTestPki } from '../qm-simulator/fixture';
import { startQueueManagerSimulator } from '../qm-simulator/simulator';
import {
  buildTestPkcs12,
  createTestCertificate,
  type TestCertificate,
} from '../qm-simulator/testPki';

jest.setTimeout(60_000);

const KEYSTORE_PASSWORD = 'Rotation-Keystore-Pw1';

describe('MQSC over the REST API against the queue-manager simulator', () => {
  let f: SimulatorFixture;
  let runner: RestMqscRunner;
  let probe: NodeTlsProbe;
  const served = async () =>
    (
      await probe.probe({
        host: '127.0.0.1',
        port: f.sim.queueManagers[0].listener.port,
      })
    ).certificate.serialNumber;

  /** Stages a repository built by the product's PKCS#12 builder; returns its path. */
  function stage(
    name: string,
    labels: Record<string, TestCertificate>,
  ): string {
    const built = buildPkcs12(
      Object.entries(labels).map(([label, c]) => ({
        label,
        certificatePem: c.certificatePem,
        privateKeyPem: c.privateKeyPem,
        chainPem: f.pki.chainPem,
      })),
      { password: KEYSTORE_PASSWORD },
    );
    const file = path.join(f.dir, name);
    fs.writeFileSync(file, built.files[0].content, { mode: 0o600 });
    return file;
  }

  beforeAll(async () => {
    f = await startSimulatorFixture({
      keyRepositoryPassword: KEYSTORE_PASSWORD,
    });
    // The initial repository used the fixture password; rebuild it with ours.
    const initial = stage('key-1.p12', {
      qm1cert: f.qmCertificate,
      qm1chl: f.channelCertificate,
    });
    f.sim.control.execute('QM1', `ALTER QMGR SSLKEYR('${initial}')`);
    f.sim.control.execute('QM1', 'REFRESH SECURITY TYPE(SSL)');
    const { baseUrl, caPem, username, password } = f.sim.rest!;
    runner = new RestMqscRunner({
      baseUrl,
      caPem: [caPem],
      auth: { type: 'basic', username, password },
      timeoutMs: 20_000,
    });
    probe = new NodeTlsProbe({ caPem: [f.pki.root.certificatePem] });
  });
  afterAll(async () => {
    runner?.close();
    await f?.stop();
  });
  afterEach(() => f.sim.control.clearFaults('QM1'));

  it('cuts over: the served serial changes only after REFRESH, and rolls back', async () => {
    const next = f.pki.issue('qm1.mq.example.test');
    const file = stage('key-2.p12', {
      qm1cert: next,
      qm1chl: f.channelCertificate,
    });
    const before = await readQmgrTlsSettings(runner, 'QM1');
    expect(before).toEqual({
      sslKeyRepository: path.join(f.dir, 'key-1.p12'),
      certificateLabel: 'qm1cert',
    });

    // ALTER alone: MQ keeps serving the cached repository.
    await runner.run('QM1', [
      buildAlterQmgrTlsCommand({
        sslKeyRepository: file,
        certificateLabel: 'qm1cert',
      }),
    ]);
    expect(await served()).toBe(f.qmCertificate.serialNumber);
    await refreshSslSecurity(runner, 'QM1');
    expect(await served()).toBe(next.serialNumber);

    // The helper: preflight on the staged file, record, alter, refresh; then roll back.
    const third = f.pki.issue('qm1.mq.example.test');
    const thirdFile = stage('key-3.p12', {
      qm1cert: third,
      qm1chl: f.channelCertificate,
    });
    const result = await cutOver(
      runner,
      'QM1',
      { sslKeyRepository: thirdFile, certificateLabel: 'qm1cert' },
      {
        preflight: {
          inspection: inspectPkcs12(
            fs.readFileSync(thirdFile),
            KEYSTORE_PASSWORD,
          ),
          labels: ['qm1cert', 'qm1chl'],
          expectedSerialNumbers: { qm1cert: third.serialNumber },
        },
      },
    );
    expect(result.previous).toEqual({
      sslKeyRepository: file,
      certificateLabel: 'qm1cert',
    });
    expect(result.responses.map(r => r.messageIds[0])).toEqual([
      'AMQ8005I',
      'AMQ8560I',
    ]);
    expect(await served()).toBe(third.serialNumber);
    await rollBackCutover(runner, 'QM1', result.previous);
    expect(await served()).toBe(next.serialNumber);
    expect(f.sim.control.state('QM1').attributes.SSLKEYR).toBe(file);
  });

  it('refuses in preflight when the staged repository lacks the label, changing nothing', async () => {
    const next = f.pki.issue('qm1.mq.example.test');
    const file = stage('key-bad.p12', {
      QM1CERT: next,
      qm1chl: f.channelCertificate,
    });
    const before = f.sim.control.state('QM1').attributes;
    const error = await cutOver(
      runner,
      'QM1',
      { sslKeyRepository: file, certificateLabel: 'qm1cert' },
      {
        preflight: {
          inspection: inspectPkcs12(fs.readFileSync(file), KEYSTORE_PASSWORD),
          labels: ['qm1cert', 'qm1chl'],
        },
      },
    ).catch(e => e);
    expect(error).toBeInstanceOf(CutoverError);
    expect(error.stage).toBe('preflight');
    expect(error.message).toMatch(
      /label 'qm1cert' is missing; the repository has 'QM1CERT', which differs only in case/,
    );
    expect(f.sim.control.state('QM1').attributes).toEqual(before);
  });

  it('reports AMQ9710 as retryable and succeeds when the refresh is run again', async () => {
    const next = f.pki.issue('qm1.mq.example.test');
    const file = stage('key-4.p12', {
      qm1cert: next,
      qm1chl: f.channelCertificate,
    });
    f.sim.control.setFaults('QM1', { refreshTimeouts: 1 });
    const error = await cutOver(runner, 'QM1', {
      sslKeyRepository: file,
      certificateLabel: 'qm1cert',
    }).catch(e => e);
    expect(error).toMatchObject({
      stage: 'refresh',
      altered: true,
      retryable: true,
    });
    expect(MqscError.is(error.cause)).toBe(true);
    expect(error.cause).toMatchObject({
      messageId: 'AMQ9710E',
      retryable: true,
      completionCode: 2,
      reasonCode: 3008,
      httpStatus: 200,
    });
    expect(await served()).not.toBe(next.serialNumber);
    const again = await refreshSslSecurity(runner, 'QM1');
    expect(again.response.messageIds).toEqual(['AMQ8560I']);
    expect(await served()).toBe(next.serialNumber);
  });

  it('retries a timed-out refresh itself when asked to', async () => {
    f.sim.control.setFaults('QM1', { refreshTimeouts: 2 });
    const r = await refreshSslSecurity(runner, 'QM1', {
      refreshAttempts: 3,
      retryDelayMs: 10,
    });
    expect(r.attempts).toBe(3);
  });

  it('surfaces MQWB0100E when something strips the CSRF header', async () => {
    // A TLS-terminating proxy that drops the header, as a misconfigured gateway would.
    const target = new URL(f.sim.rest!.baseUrl);
    const proxyCert = createTestCertificate({
      commonName: 'localhost',
      issuer: f.pki.intermediate,
      ipAddresses: ['127.0.0.1'],
    });
    const proxy = https.createServer(
      {
        key: proxyCert.privateKeyPem,
        cert: [proxyCert.certificatePem, ...f.pki.chainPem].join('\n'),
      },
      (req, res) => {
        const headers = { ...req.headers };
        delete headers['ibm-mq-rest-csrf-token'];
        const upstream = https.request(
          {
            host: target.hostname,
            port: target.port,
            path: req.url,
            method: req.method,
            headers,
            ca: f.sim.rest!.caPem,
          },
          up => {
            res.writeHead(up.statusCode!, up.headers);
            up.pipe(res);
          },
        );
        req.pipe(upstream);
      },
    );
    await new Promise<void>(r => proxy.listen(0, '127.0.0.1', r));
    const { username, password } = f.sim.rest!;
    const viaProxy = new RestMqscRunner({
      baseUrl: `https://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
      caPem: [f.pki.root.certificatePem],
      auth: { type: 'basic', username, password },
    });
    try {
      const error = await viaProxy
        .run('QM1', ['DISPLAY QMGR SSLKEYR CERTLABL'])
        .catch(e => e);
      expect(MqscError.is(error)).toBe(true);
      expect(error).toMatchObject({
        messageId: 'MQWB0100E',
        httpStatus: 403,
        retryable: false,
        transport: 'rest',
      });
      expect(error.message).toMatch(
        /MQ said: MQWB0100E: The CSRF header 'ibm-mq-rest-csrf-token' was omitted/,
      );
      expect(error.message).toMatch(
        /what to do: .*make sure no proxy .* strips it/,
      );
    } finally {
      viaProxy.close();
      proxy.close();
    }
  });

  it('explains bad credentials, unknown queue managers and an untrusted mqweb without leaking the password', async () => {
    const { baseUrl, caPem, username } = f.sim.rest!;
    const wrong = new RestMqscRunner({
      baseUrl,
      caPem: [caPem],
      auth: { type: 'basic', username, password: 'wrong-Secret-42' },
      name: 'qm1-rest',
    });
    const e401 = await wrong.run('QM1', ['DISPLAY QMGR']).catch(e => e);
    expect(e401).toMatchObject({ httpStatus: 401 });
    expect(e401.message).toMatch(
      /check the user name and password .* under mqCertificates.mqAdmin.qm1-rest/,
    );
    expect(e401.message).not.toContain('wrong-Secret-42');
    wrong.close();

    const unknown = await runner.run('QM9', ['DISPLAY QMGR']).catch(e => e);
    expect(unknown).toMatchObject({ messageId: 'MQWB0009E', httpStatus: 404 });

    const untrusted = new RestMqscRunner({
      baseUrl,
      auth: { type: 'basic', username, password: 'x' },
    });
    const eTls = await untrusted.run('QM1', ['DISPLAY QMGR']).catch(e => e);
    expect(eTls.message).toMatch(
      /could not reach mqweb .*certificate is not trusted; set ca \(or caFile\)/,
    );
    untrusted.close();
  });

  it('is built from app-config and runs against the simulator', async () => {
    const { baseUrl, caPem, username, password } = f.sim.rest!;
    const configured = await createMqscRunner(
      'sim',
      mockServices.rootConfig({
        data: {
          mqCertificates: {
            mqAdmin: {
              sim: {
                type: 'rest',
                baseUrl,
                apiVersion: 'v3',
                username,
                password,
                ca: caPem,
              },
            },
          },
        },
      }),
    );
    const [display] = await configured.run('QM1', [
      'DISPLAY CHANNEL(*) CERTLABL',
    ]);
    expect(display.text).toHaveLength(2);
    expect(display.text[1]).toMatch(
      /CHANNEL\(TO\.QM2\) {3}CHLTYPE\(RCVR\) {3}CERTLABL\(qm1chl\)/,
    );
    (configured as RestMqscRunner).close();
  });
});

describe('REST runner: URL encoding and client certificates', () => {
  it('reaches a queue manager whose name has / and % and logs in with a client certificate', async () => {
    const pki = sharedTestPki();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqsc-rest-'));
    const file = path.join(dir, 'key.p12');
    const leaf = pki.issue('qm.test.example');
    fs.writeFileSync(
      file,
      buildTestPkcs12({
        entries: [{ label: 'qmcert', ...leaf }],
        caCertificatesPem: pki.chainPem,
        password: 'pw',
        iterations: 64,
      }),
    );
    const client = createTestCertificate({
      commonName: 'mqadmin-client',
      issuer: pki.intermediate,
    });
    const sim = await startQueueManagerSimulator({
      queueManagers: [
        {
          name: 'QM.TEST/1%x',
          sslKeyRepository: file,
          certificateLabel: 'qmcert',
          keyRepositoryPassword: 'pw',
        },
      ],
      rest: {
        users: [{ username: 'mqadmin-client', password: 'unused-Pw-123' }],
        clientCaPem: pki.chainPem.join('\n'),
      },
      stateDir: path.join(dir, 'state'),
    });
    const runner = new RestMqscRunner({
      baseUrl: sim.rest!.baseUrl,
      caPem: [sim.rest!.caPem],
      auth: {
        type: 'clientCertificate',
        certificatePem: [
          client.certificatePem,
          pki.intermediate.certificatePem,
        ].join('\n'),
        privateKeyPem: client.privateKeyPem,
      },
    });
    try {
      expect(runner.commandUrl('QM.TEST/1%x').pathname).toBe(
        '/ibmmq/rest/v2/admin/action/qmgr/QM.TEST%2F1%25x/mqsc',
      );
      expect(await readQmgrTlsSettings(runner, 'QM.TEST/1%x')).toEqual({
        sslKeyRepository: file,
        certificateLabel: 'qmcert',
      });
    } finally {
      runner.close();
      await sim.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
