import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { parseQueueManagerEntity } from '@mqcert/plugin-mq-certificates-common';
import {
  NodeTlsProbe,
  probeQueueManager,
  TlsProbeError,
} from '@mqcert/plugin-mq-certificates-node';
import {
  startSimulatorFixture,
  type SimulatorFixture,
} from '../qm-simulator/fixture';
import { createTestCertificate, createTestPki } from '../qm-simulator/testPki';
import { freePort } from '../support/net';

jest.setTimeout(60_000);

function entity(port: number) {
  return parseQueueManagerEntity({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: 'qm1',
      annotations: {
        'mqcert.io/queue-manager': 'QM1',
        'mqcert.io/listener': `127.0.0.1:${port}`,
        'mqcert.io/certificate-label': 'qm1cert',
        'mqcert.io/tls-channels': 'DEV.APP.SVRCONN, TO.QM2=qm1chl',
      },
    },
  });
}

/** A plain TLS server sending the given chain. */
async function tlsServer(
  key: string,
  certs: string[],
): Promise<{ port: number; close(): Promise<void> }> {
  const server = tls.createServer({ key, cert: certs.join('\n') }, s =>
    s.end(),
  );
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise(r => server.close(() => r())),
  };
}

describe('TLS probe against the queue-manager simulator', () => {
  let f: SimulatorFixture;
  beforeAll(async () => {
    f = await startSimulatorFixture();
  });
  afterAll(() => f?.stop());
  const port = () => f.sim.queueManagers[0].listener.port;

  it('reports the leaf, the chain as sent and trust, per channel SNI', async () => {
    const probe = new NodeTlsProbe({ caPem: [f.pki.root.certificatePem] });
    const served = await probeQueueManager(entity(port()), { probe });
    expect(served.listener).toBe(`127.0.0.1:${port()}`);
    expect(served.serialNumber).toBe(f.qmCertificate.serialNumber);
    expect(served.fingerprintSha256).toBe(
      new X509Certificate(
        f.qmCertificate.certificatePem,
      ).fingerprint256.toLowerCase(),
    );
    expect(served.subject).toBe('CN=qm1.mq.example.test,O=MQ simulator test');
    expect(served.subjectAltNames).toEqual([
      'DNS:qm1.mq.example.test',
      'DNS:localhost',
      'IP:127.0.0.1',
    ]);
    expect(served.trusted).toBe(true);
    expect(served.chain.map(c => c.serialNumber)).toEqual([
      f.pki.intermediate.serialNumber,
      f.pki.root.serialNumber,
    ]);
    expect(served.channels).toEqual([
      expect.objectContaining({
        channel: 'DEV.APP.SVRCONN',
        sniHostname: 'dev2e-app2e-svrconn.chl.mq.ibm.com',
        certificateLabel: 'qm1cert',
        serialNumber: f.qmCertificate.serialNumber,
      }),
      expect.objectContaining({
        channel: 'TO.QM2',
        sniHostname: 'to2e-qm2.chl.mq.ibm.com',
        certificateLabel: 'qm1chl',
        serialNumber: f.channelCertificate.serialNumber,
      }),
    ]);
    expect(served.channels.every(c => c.error === undefined)).toBe(true);
  });

  it('still reports what was served when it does not chain to the configured CA', async () => {
    const other = createTestPki('Other');
    const probe = new NodeTlsProbe({ caPem: [other.root.certificatePem] });
    const r = await probe.probe({ host: '127.0.0.1', port: port() });
    expect(r.trusted).toBe(false);
    expect(r.trustError).toBe(
      "the chain ends at the self-signed 'CN=MQ simulator Root CA,O=MQ simulator test', which is not a configured CA",
    );
    expect(r.certificate.serialNumber).toBe(f.qmCertificate.serialNumber);
    // An issuing CA configured as the anchor is enough.
    const byIntermediate = new NodeTlsProbe({
      caPem: [f.pki.intermediate.certificatePem],
    });
    expect(
      (await byIntermediate.probe({ host: '127.0.0.1', port: port() })).trusted,
    ).toBe(true);
    // No CA configured: reported, not trusted.
    const none = await new NodeTlsProbe().probe({
      host: '127.0.0.1',
      port: port(),
    });
    expect(none).toMatchObject({
      trusted: false,
      trustError: expect.stringMatching(/no CA is configured/),
    });
  });

  it('fails the handshake clearly when the queue manager cannot find its label', async () => {
    f.sim.control.setFaults('QM1', { labelNotFound: true });
    try {
      const error = await new NodeTlsProbe({ timeoutMs: 5000 })
        .probe({ host: '127.0.0.1', port: port() })
        .catch(e => e);
      expect(TlsProbeError.is(error)).toBe(true);
      expect(error.reason).toBe('handshake');
      expect(error.message).toMatch(
        /^the TLS handshake with 127.0.0.1:\d+ failed: the server sent the TLS alert .handshake failure.; the queue manager may not find its certificate label \(AMQ9645E in its error log\)/,
      );
      const served = await probeQueueManager(entity(port()), {
        probe: new NodeTlsProbe(),
      });
      expect(served.error).toMatch(/handshake/);
      expect(served.channels.map(c => c.error?.slice(0, 30))).toEqual([
        expect.stringMatching(/handshake/),
        expect.stringMatching(/handshake/),
      ]);
    } finally {
      f.sim.control.clearFaults('QM1');
    }
  });
});

describe('TLS probe failures', () => {
  it('names a refused connection', async () => {
    const port = await freePort();
    const error = await new NodeTlsProbe()
      .probe({ host: '127.0.0.1', port })
      .catch(e => e);
    expect(error).toBeInstanceOf(TlsProbeError);
    expect(error.reason).toBe('refused');
    expect(error.message).toMatch(
      new RegExp(
        `127.0.0.1:${port} refused the connection; check that the queue manager's listener runs`,
      ),
    );
  });

  it('times out on a listener that never answers the handshake', async () => {
    const server = net.createServer(() => undefined);
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as net.AddressInfo;
    try {
      const started = Date.now();
      const error = await new NodeTlsProbe({ timeoutMs: 300 })
        .probe({ host: '127.0.0.1', port })
        .catch(e => e);
      expect(error.reason).toBe('timeout');
      expect(error.message).toMatch(
        /accepted the connection but completed no TLS handshake within 300 ms/,
      );
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      server.close();
    }
  });

  it('reports an expired certificate as untrusted, with the date', async () => {
    const pki = createTestPki('Expiry');
    const expired = pki.issue('old.example.test', {
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2020-02-01T00:00:00Z'),
    });
    const server = await tlsServer(expired.privateKeyPem, [
      expired.certificatePem,
      ...pki.chainPem,
    ]);
    try {
      const r = await new NodeTlsProbe({
        caPem: [pki.root.certificatePem],
      }).probe({ host: '127.0.0.1', port: server.port });
      expect(r.certificate.notAfter).toBe('2020-02-01T00:00:00.000Z');
      expect(r.trusted).toBe(false);
      expect(r.trustError).toBe(
        "certificate 'CN=old.example.test,O=MQ simulator test' expired on 2020-02-01T00:00:00.000Z",
      );
    } finally {
      await server.close();
    }
  });

  it('reports only what was sent: no CA is added from a trust store', async () => {
    const pki = createTestPki('Partial');
    const leaf = pki.issue('partial.example.test');
    const server = await tlsServer(leaf.privateKeyPem, [leaf.certificatePem]);
    try {
      const r = await new NodeTlsProbe({
        caPem: [pki.root.certificatePem, pki.intermediate.certificatePem],
      }).probe({
        host: '127.0.0.1',
        port: server.port,
      });
      expect(r.chain).toEqual([]);
      expect(r.trusted).toBe(true);
      const rootOnly = await new NodeTlsProbe({
        caPem: [pki.root.certificatePem],
      }).probe({ host: '127.0.0.1', port: server.port });
      expect(rootOnly.trusted).toBe(false);
      expect(rootOnly.trustError).toMatch(
        /no certificate from 'CN=Partial Issuing CA,O=MQ simulator test'/,
      );
    } finally {
      await server.close();
    }
  });

  it('refuses a self-signed certificate that is not a configured CA', async () => {
    const self = createTestCertificate({
      commonName: 'self.example.test',
      isCa: false,
    });
    const server = await tlsServer(self.privateKeyPem, [self.certificatePem]);
    try {
      const r = await new NodeTlsProbe({
        caPem: [createTestPki('X').root.certificatePem],
      }).probe({
        host: '127.0.0.1',
        port: server.port,
      });
      expect(r.trusted).toBe(false);
      expect(r.certificate.subject).toBe(
        'CN=self.example.test,O=MQ simulator test',
      );
    } finally {
      await server.close();
    }
  });
});
