import {
  cutOver,
  LocalCommandRunner,
  MqscError,
  NodeTlsProbe,
  readQmgrTlsSettings,
  refreshSslSecurity,
  rollBackCutover,
  RunmqscMqscRunner,
  SshConnection,
  type MqscRunner,
} from '@mqcert/plugin-mq-certificates-node';
import {
  startSimulatorFixture,
  type SimulatorFixture,
} from '../qm-simulator/fixture';
import { describeWithTools } from '../support/describeWithTools';
import { startSshd, type SshdHarness } from '../support/sshd';

jest.setTimeout(60_000);

/** The cases both transports (local process, SSH) must pass. */
function cutoverCases(
  getF: () => SimulatorFixture,
  getRunner: () => MqscRunner,
) {
  const served = async () => {
    const f = getF();
    const probe = new NodeTlsProbe({ caPem: [f.pki.root.certificatePem] });
    return (
      await probe.probe({
        host: '127.0.0.1',
        port: f.sim.queueManagers[0].listener.port,
      })
    ).certificate.serialNumber;
  };

  it('cuts over through runmqsc: the served serial changes after REFRESH, and rolls back', async () => {
    const f = getF();
    const runner = getRunner();
    const next = f.pki.issue('qm1.mq.example.test');
    const file = f.writeRepository(`key-${Date.now()}.p12`, [
      { label: 'qm1cert', certificate: next },
      { label: 'qm1chl', certificate: f.channelCertificate },
    ]);
    const previous = await readQmgrTlsSettings(runner, 'QM1');
    const before = await served();
    const result = await cutOver(runner, 'QM1', {
      sslKeyRepository: file,
      certificateLabel: 'qm1cert',
    });
    expect(result.previous).toEqual(previous);
    expect(result.responses.map(r => r.messageIds)).toEqual([
      ['AMQ8005I'],
      ['AMQ8560I'],
    ]);
    expect(await served()).toBe(next.serialNumber);
    await rollBackCutover(runner, 'QM1', previous);
    expect(await served()).toBe(before);
  });

  it('reports AMQ9710 from runmqsc as retryable', async () => {
    const f = getF();
    f.sim.control.setFaults('QM1', { refreshTimeouts: 1 });
    const error = await refreshSslSecurity(getRunner(), 'QM1').catch(e => e);
    expect(MqscError.is(error)).toBe(true);
    expect(error).toMatchObject({
      messageId: 'AMQ9710E',
      retryable: true,
      transport: 'runmqsc',
      command: 'REFRESH SECURITY TYPE(SSL)',
    });
    expect((await refreshSslSecurity(getRunner(), 'QM1')).attempts).toBe(1);
  });

  it('reports a queue manager that does not exist (AMQ8118E, exit 20) as not retryable', async () => {
    const error = await getRunner()
      .run('QM9', ['DISPLAY QMGR'])
      .catch(e => e);
    expect(error).toMatchObject({ messageId: 'AMQ8118E', retryable: false });
    expect(error.message).toMatch(
      /ran no commands \(exit code 20\).*no queue manager of that name exists/,
    );
  });
}

describe('MQSC through the runmqsc stand-in on the local machine', () => {
  let f: SimulatorFixture;
  let runner: RunmqscMqscRunner;
  beforeAll(async () => {
    f = await startSimulatorFixture();
    runner = new RunmqscMqscRunner({
      commands: new LocalCommandRunner(),
      runmqscPath: f.sim.runmqscPath,
      timeoutMs: 20_000,
    });
  });
  afterAll(() => f?.stop());
  afterEach(() => f.sim.control.clearFaults('QM1'));

  cutoverCases(
    () => f,
    () => runner,
  );

  it('runs MQSC read from standard input, never from the command line', async () => {
    // A command that would be harmful if a shell ever saw it stays MQSC text.
    const error = await runner
      .run('QM1', ["DISPLAY CHANNEL('$(touch /tmp/mqcert-pwned)')"])
      .catch(e => e);
    expect(error).toMatchObject({
      messageId: 'AMQ8147E',
      command: "DISPLAY CHANNEL('$(touch /tmp/mqcert-pwned)')",
    });
    expect(error.message).toContain(
      'AMQ8147E: IBM MQ object $(touch /tmp/mqcert-pwned) not found.',
    );
  });
});

describe('MQSC through runmqsc on the host', () => {
  it('fails a failed command and keeps its message', async () => {
    const f = await startSimulatorFixture();
    try {
      const runner = new RunmqscMqscRunner({
        commands: new LocalCommandRunner(),
        runmqscPath: f.sim.runmqscPath,
      });
      const error = await runner
        .run('QM1', ['DISPLAY CHANNEL(NOPE)'])
        .catch(e => e);
      expect(error).toMatchObject({
        messageId: 'AMQ8147E',
        retryable: false,
        completionCode: 2,
      });
      expect(error.message).toMatch(
        /MQ said: AMQ8147E: IBM MQ object NOPE not found/,
      );
    } finally {
      await f.stop();
    }
  });
});

describeWithTools(
  ['sshd', 'ssh-keygen'],
  'MQSC through runmqsc over SSH (real sshd)',
  () => {
    let f: SimulatorFixture;
    let sshd: SshdHarness;
    let connection: SshConnection;
    let runner: RunmqscMqscRunner;
    beforeAll(async () => {
      f = await startSimulatorFixture();
      sshd = await startSshd();
      connection = await SshConnection.connect({
        host: sshd.host,
        port: sshd.port,
        username: sshd.username,
        privateKey: sshd.privateKey,
        hostKeySha256: sshd.hostKeySha256,
      });
      runner = new RunmqscMqscRunner({
        commands: connection.commands,
        runmqscPath: f.sim.runmqscPath,
        hostLabel: 'the test sshd',
      });
    });
    afterAll(async () => {
      await connection?.close();
      await sshd?.stop();
      await f?.stop();
    });
    afterEach(() => f.sim.control.clearFaults('QM1'));

    cutoverCases(
      () => f,
      () => runner,
    );
  },
);
