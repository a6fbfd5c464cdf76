import { execFile } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import tls from 'node:tls';
import { encodeStash } from './testPki';
import {
  startSimulatorFixture,
  type SimulatorFixture,
  FIXTURE_PASSWORD,
} from './fixture';

jest.setTimeout(60_000);

/** The serial the listener serves (bare hex, upper case as node prints it), or the error. */
function served(port: number, servername?: string): Promise<string> {
  return new Promise(resolve => {
    const socket = tls.connect(
      { host: '127.0.0.1', port, servername, rejectUnauthorized: false },
      () => {
        resolve(socket.getPeerX509Certificate()!.serialNumber.toLowerCase());
        socket.destroy();
      },
    );
    socket.on('error', e => resolve(`error: ${e.message}`));
  });
}

const bare = (serial: string) => serial.replace(/:/g, '');

function rest(
  f: SimulatorFixture,
  command: unknown,
  headers: Record<string, string> = { 'ibm-mq-rest-csrf-token': 'x' },
  qm = 'QM1',
): Promise<{ status: number; body: any }> {
  const { baseUrl, caPem, username, password } = f.sim.rest!;
  const payload = JSON.stringify({
    type: 'runCommand',
    parameters: { command },
  });
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${baseUrl}/ibmmq/rest/v2/admin/action/qmgr/${encodeURIComponent(
        qm,
      )}/mqsc`,
      {
        method: 'POST',
        ca: caPem,
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(
            `${username}:${password}`,
          ).toString('base64')}`,
          ...headers,
        },
      },
      res => {
        let text = '';
        res.on('data', d => (text += d));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            body: text ? JSON.parse(text) : undefined,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function runmqsc(
  f: SimulatorFixture,
  qm: string,
  script: string,
): Promise<{ code: number | null; stdout: string }> {
  return new Promise(resolve => {
    const child = execFile(f.sim.runmqscPath, [qm], (_e, stdout) =>
      resolve({ code: child.exitCode, stdout }),
    );
    child.stdin!.end(script);
  });
}

describe('queue-manager simulator', () => {
  let f: SimulatorFixture;
  beforeAll(async () => {
    f = await startSimulatorFixture();
  });
  afterAll(() => f?.stop());
  afterEach(() => f.sim.control.clearFaults('QM1'));

  const port = () => f.sim.queueManagers[0].listener.port;

  it('chooses the certificate by SNI the way MQ does', async () => {
    const qm = bare(f.qmCertificate.serialNumber);
    const chl = bare(f.channelCertificate.serialNumber);
    expect(await served(port())).toBe(qm);
    expect(await served(port(), 'to2e-qm2.chl.mq.ibm.com')).toBe(chl);
    // A channel without its own label, and a host name, get the QM's label.
    expect(await served(port(), 'dev2e-app2e-svrconn.chl.mq.ibm.com')).toBe(qm);
    expect(await served(port(), 'qm1.mq.example.test')).toBe(qm);
  });

  it('re-reads the repository only on REFRESH SECURITY TYPE(SSL)', async () => {
    const next = f.pki.issue('qm1.mq.example.test');
    const file = f.writeRepository('key-2.p12', [
      { label: 'qm1cert', certificate: next },
      { label: 'qm1chl', certificate: f.channelCertificate },
    ]);
    const before = await served(port());
    expect(
      (await rest(f, `ALTER QMGR SSLKEYR('${file}') CERTLABL('qm1cert')`)).body
        .overallCompletionCode,
    ).toBe(0);
    expect(await served(port())).toBe(before);
    const refreshed = await rest(f, 'REFRESH SECURITY TYPE(SSL)');
    expect(refreshed.body).toEqual({
      commandResponse: [
        {
          completionCode: 0,
          reasonCode: 0,
          text: ['AMQ8560I: IBM MQ security cache refreshed.'],
        },
      ],
      overallCompletionCode: 0,
      overallReasonCode: 0,
    });
    expect(await served(port())).toBe(bare(next.serialNumber));
    // Overwriting the live file in place changes nothing until the next refresh.
    const third = f.pki.issue('qm1.mq.example.test');
    f.writeRepository('key-2.p12', [
      { label: 'qm1cert', certificate: third },
      { label: 'qm1chl', certificate: f.channelCertificate },
    ]);
    expect(await served(port())).toBe(bare(next.serialNumber));
  });

  it('answers DISPLAY QMGR over REST in the documented shape', async () => {
    const r = await rest(f, 'DISPLAY QMGR SSLKEYR CERTLABL');
    expect(r.status).toBe(200);
    expect(r.body.commandResponse[0].text[0]).toMatch(
      /^AMQ8408I: Display Queue Manager details\. {3}QMNAME\(QM1\) {3}SSLKEYR\(\/.*\.p12\) {3}CERTLABL\(qm1cert\)$/,
    );
  });

  it('requires the CSRF header, credentials and a known queue manager', async () => {
    const noCsrf = await rest(f, 'DISPLAY QMGR', {});
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error[0].messageId).toBe('MQWB0100E');
    const badUser = await rest(f, 'DISPLAY QMGR', {
      'ibm-mq-rest-csrf-token': 'x',
      authorization: 'Basic eDp5',
    });
    expect(badUser.status).toBe(401);
    const unknown = await rest(f, 'DISPLAY QMGR', undefined, 'QM/9');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error[0]).toMatchObject({
      messageId: 'MQWB0009E',
      qmgrName: 'QM/9',
    });
  });

  it('fails a refresh with AMQ9710 when told to, then recovers', async () => {
    f.sim.control.setFaults('QM1', { refreshTimeouts: 1 });
    const r = await rest(f, 'REFRESH SECURITY TYPE(SSL)');
    expect(r.status).toBe(200);
    expect(r.body.overallCompletionCode).toBe(2);
    expect(r.body.overallReasonCode).toBe(3008);
    expect(r.body.commandResponse[0].text[0]).toMatch(/^AMQ9710E/);
    expect(
      (await rest(f, 'REFRESH SECURITY TYPE(SSL)')).body.overallCompletionCode,
    ).toBe(0);
  });

  it('lets the refresh succeed and handshakes fail when the label is missing', async () => {
    const before = f.sim.control.state('QM1').failedHandshakes;
    await rest(f, "ALTER QMGR CERTLABL('QM1CERT')"); // differently cased: a different label
    expect(
      (await rest(f, 'REFRESH SECURITY TYPE(SSL)')).body.overallCompletionCode,
    ).toBe(0);
    expect(await served(port())).toMatch(/^error: /);
    const state = f.sim.control.state('QM1');
    expect(state.failedHandshakes).toBe(before + 1);
    expect(state.events.map(e => e.message)).toContain(
      "AMQ9645E: Certificate label 'QM1CERT' not found for channel '????'.",
    );
    // The channel with its own label still works.
    expect(await served(port(), 'to2e-qm2.chl.mq.ibm.com')).toBe(
      bare(f.channelCertificate.serialNumber),
    );
    await rest(f, "ALTER QMGR CERTLABL('qm1cert')");
    await rest(f, 'REFRESH SECURITY TYPE(SSL)');
    expect(await served(port())).not.toMatch(/^error/);
  });

  it('injects label-not-found and unreadable-repository faults', async () => {
    f.sim.control.setFaults('QM1', { labelNotFound: true });
    expect(await served(port())).toMatch(/^error: /);
    f.sim.control.setFaults('QM1', {
      labelNotFound: false,
      unreadableRepository: true,
    });
    expect(await served(port())).not.toMatch(/^error/);
    expect(
      (await rest(f, 'REFRESH SECURITY TYPE(SSL)')).body.overallCompletionCode,
    ).toBe(0);
    expect(await served(port())).toMatch(/^error: /);
    expect(f.sim.control.state('QM1').loaded.error).toMatch(/injected fault/);
    f.sim.control.setFaults('QM1', {
      unreadableRepository: false,
      labelMissingAfterRefresh: true,
    });
    await rest(f, 'REFRESH SECURITY TYPE(SSL)');
    expect(f.sim.control.state('QM1').loaded.labels.map(l => l.label)).toEqual([
      'qm1chl',
    ]);
    await rest(f, 'REFRESH SECURITY TYPE(SSL)');
    expect(
      f.sim.control
        .state('QM1')
        .loaded.labels.map(l => l.label)
        .sort(),
    ).toEqual(['qm1cert', 'qm1chl']);
  });

  it('prints runmqsc output with the closing summary and exit codes', async () => {
    const good = await runmqsc(
      f,
      'QM1',
      'DISPLAY QMGR SSLKEYR CERTLABL\nREFRESH SECURITY TYPE(SSL)\n',
    );
    expect(good.code).toBe(0);
    expect(good.stdout).toContain(
      '     1 : DISPLAY QMGR SSLKEYR CERTLABL\nAMQ8408I: Display Queue Manager details.\n   QMNAME(QM1)',
    );
    expect(good.stdout).toMatch(
      /2 MQSC commands read\.\nNo commands have a syntax error\.\nAll valid MQSC commands were processed\.\n$/,
    );
    f.sim.control.setFaults('QM1', { refreshTimeouts: 1 });
    const bad = await runmqsc(f, 'QM1', 'REFRESH SECURITY TYPE(SSL)\n');
    expect(bad.code).toBe(10);
    expect(bad.stdout).toMatch(
      /AMQ9710E[^\n]*\nOne MQSC command read\.\nNo commands have a syntax error\.\nOne valid MQSC command could not be processed\.\n$/,
    );
    const missing = await runmqsc(f, 'QM9', 'DISPLAY QMGR\n');
    expect(missing.code).toBe(20);
    expect(missing.stdout).toContain(
      'AMQ8118E: IBM MQ queue manager does not exist.',
    );
  });
});

describe('queue-manager simulator, stash and refresh-fails mode', () => {
  it('reads the password from the .sth stash and can fail the refresh on an unreadable file', async () => {
    const f = await startSimulatorFixture({
      keyRepositoryPassword: undefined,
      unreadableRepositoryOnRefresh: 'refresh-fails',
    });
    try {
      // No KEYRPWD and no stash yet: nothing is loaded.
      expect(f.sim.control.state('QM1').loaded.error).toMatch(
        /stash file key-1.sth cannot be read/,
      );
      fs.writeFileSync(
        path.join(f.dir, 'key-1.sth'),
        encodeStash(FIXTURE_PASSWORD),
      );
      expect(
        f.sim.control.execute('QM1', 'REFRESH SECURITY TYPE(SSL)')
          .completionCode,
      ).toBe(0);
      expect(f.sim.control.state('QM1').loaded.labels).toHaveLength(2);
      fs.writeFileSync(path.join(f.dir, 'key-1.p12'), 'not a pkcs12 file');
      const r = f.sim.control.execute('QM1', 'REFRESH SECURITY TYPE(SSL)');
      expect(r).toMatchObject({ completionCode: 2, reasonCode: 2381 });
      // The previous repository stays loaded.
      expect(f.sim.control.state('QM1').loaded.labels).toHaveLength(2);
    } finally {
      await f.stop();
    }
  });
});
