import type { CertificateSummary } from '@mqcert/plugin-mq-certificates-common';
import type { ProbeResult, TlsProbe } from '../types';
import { probeQueueManager } from './probeQueueManager';
import { TlsProbeError } from './TlsProbeError';

function summary(serial: string): CertificateSummary {
  return {
    serialNumber: serial,
    fingerprintSha256: `fp:${serial}`,
    subject: `CN=${serial}`,
    issuer: 'CN=CA',
    subjectAltNames: [],
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2026-03-01T00:00:00.000Z',
  };
}

/** Serves a serial per SNI name, or fails the way it is told to. */
class FakeProbe implements TlsProbe {
  calls: (string | undefined)[] = [];
  constructor(
    private readonly answers: Record<string, string | TlsProbeError>,
  ) {}
  async probe(o: {
    host: string;
    port: number;
    servername?: string;
  }): Promise<ProbeResult> {
    this.calls.push(o.servername);
    const a = this.answers[o.servername ?? ''];
    if (a instanceof Error) throw a;
    return {
      host: o.host,
      port: o.port,
      servername: o.servername,
      certificate: summary(a),
      chain: [summary('ca')],
      trusted: a !== 'bad',
      trustError: a === 'bad' ? 'not from our CA' : undefined,
    };
  }
}

const spec = {
  queueManager: 'QM1',
  listener: { host: 'qm1.example.test', port: 1414 },
  certificateLabel: 'qm1cert',
  tlsChannels: [
    {
      name: 'DEV.APP.SVRCONN',
      sniHostname: 'dev2e-app2e-svrconn.chl.mq.ibm.com',
    },
    {
      name: 'TO.QM2',
      certificateLabel: 'qm1chl',
      sniHostname: 'to2e-qm2.chl.mq.ibm.com',
    },
  ],
};
const now = () => new Date('2026-02-01T00:00:00Z');

describe('probeQueueManager', () => {
  it('probes without SNI, then each channel by its SNI name', async () => {
    const probe = new FakeProbe({
      '': '01',
      'dev2e-app2e-svrconn.chl.mq.ibm.com': '01',
      'to2e-qm2.chl.mq.ibm.com': 'bad',
    });
    const served = await probeQueueManager(spec, { probe, now });
    expect(probe.calls.sort()).toEqual(
      [
        undefined,
        'dev2e-app2e-svrconn.chl.mq.ibm.com',
        'to2e-qm2.chl.mq.ibm.com',
      ].sort(),
    );
    expect(served).toMatchObject({
      listener: 'qm1.example.test:1414',
      probedAt: '2026-02-01T00:00:00.000Z',
      serialNumber: '01',
      trusted: true,
      chain: [{ serialNumber: 'ca' }],
    });
    expect(served.channels).toEqual([
      {
        channel: 'DEV.APP.SVRCONN',
        sniHostname: 'dev2e-app2e-svrconn.chl.mq.ibm.com',
        certificateLabel: 'qm1cert',
        serialNumber: '01',
        fingerprintSha256: 'fp:01',
        notAfter: '2026-03-01T00:00:00.000Z',
      },
      {
        channel: 'TO.QM2',
        sniHostname: 'to2e-qm2.chl.mq.ibm.com',
        certificateLabel: 'qm1chl',
        serialNumber: 'bad',
        fingerprintSha256: 'fp:bad',
        notAfter: '2026-03-01T00:00:00.000Z',
        error: 'served an untrusted certificate: not from our CA',
      },
    ]);
  });

  it('does not probe channels when the listener is down, but does after a handshake failure', async () => {
    const refused = new TlsProbeError(
      'qm1.example.test:1414 refused the connection',
      'refused',
      'qm1.example.test',
      1414,
    );
    const down = new FakeProbe({ '': refused });
    const served = await probeQueueManager(spec, { probe: down, now });
    expect(down.calls).toEqual([undefined]);
    expect(served.error).toMatch(/refused the connection/);
    expect(
      served.channels.every(c => c.error?.startsWith('not probed: ')),
    ).toBe(true);

    const handshake = new TlsProbeError(
      'handshake failed',
      'handshake',
      'qm1.example.test',
      1414,
    );
    const partly = new FakeProbe({
      '': handshake,
      'dev2e-app2e-svrconn.chl.mq.ibm.com': handshake,
      'to2e-qm2.chl.mq.ibm.com': '02',
    });
    const r = await probeQueueManager(spec, { probe: partly, now });
    expect(r.error).toBe('handshake failed');
    expect(r.serialNumber).toBeUndefined();
    expect(r.channels.map(c => c.serialNumber ?? c.error)).toEqual([
      'handshake failed',
      '02',
    ]);
  });

  it('reports a missing listener instead of throwing', async () => {
    const r = await probeQueueManager(
      { ...spec, listener: undefined },
      { probe: new FakeProbe({}), now },
    );
    expect(r.error).toMatch(
      /no listener to probe; add the mqcert.io\/listener annotation/,
    );
  });
});
