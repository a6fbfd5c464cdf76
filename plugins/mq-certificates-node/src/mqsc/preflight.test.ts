import type { CertificateSummary } from '@mqcert/plugin-mq-certificates-common';
import type { KeystoreInspection } from '../types';
import { assertCutoverPreflight, checkCutoverPreflight } from './preflight';

function cert(
  subject: string,
  issuer: string,
  serial: string,
  notAfter = '2030-01-01T00:00:00.000Z',
): CertificateSummary {
  return {
    subject,
    issuer,
    serialNumber: serial,
    fingerprintSha256: `fp-${serial}`,
    subjectAltNames: [],
    notBefore: '2025-01-01T00:00:00.000Z',
    notAfter,
  };
}

const root = cert('CN=Root', 'CN=Root', '01');
const inter = cert('CN=Intermediate', 'CN=Root', '02');
const leaf = cert('CN=qm1', 'CN=Intermediate', '0a:0b');
const now = new Date('2026-01-01T00:00:00Z');

function inspection(
  entries: KeystoreInspection['entries'],
): KeystoreInspection {
  return { format: 'p12', entries };
}

describe('cut-over preflight', () => {
  it('accepts a personal certificate with its chain to a root', () => {
    const r = checkCutoverPreflight({
      inspection: inspection([
        {
          label: 'qm1cert',
          personal: true,
          certificate: leaf,
          chain: [inter, root],
        },
      ]),
      labels: ['qm1cert'],
      expectedSerialNumbers: { qm1cert: '0A0B' },
      now,
    });
    expect(r).toEqual({ ok: true, problems: [] });
  });

  it('finds issuers among the CA entries of the repository', () => {
    const r = checkCutoverPreflight({
      inspection: inspection([
        { label: 'qm1cert', personal: true, certificate: leaf, chain: [] },
        { label: 'ca1', personal: false, certificate: inter, chain: [] },
        { label: 'ca2', personal: false, certificate: root, chain: [] },
      ]),
      labels: ['qm1cert'],
      now,
    });
    expect(r.ok).toBe(true);
  });

  it('names a label that differs only in case', () => {
    const r = checkCutoverPreflight({
      inspection: inspection([
        {
          label: 'QM1CERT',
          personal: true,
          certificate: leaf,
          chain: [inter, root],
        },
      ]),
      labels: ['qm1cert'],
      now,
    });
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatch(
      /'qm1cert' is missing; the repository has 'QM1CERT', which differs only in case/,
    );
  });

  it('reports a missing label, a CA-only label, a broken chain, expiry and a wrong serial', () => {
    const r = checkCutoverPreflight({
      inspection: inspection([
        {
          label: 'qm1cert',
          personal: true,
          certificate: cert(
            'CN=qm1',
            'CN=Intermediate',
            '0c',
            '2025-06-01T00:00:00.000Z',
          ),
          chain: [],
        },
        { label: 'caonly', personal: false, certificate: root, chain: [] },
      ]),
      labels: ['qm1cert', 'chlcert', 'caonly'],
      expectedSerialNumbers: { qm1cert: '0a:0b' },
      now,
    });
    expect(r.problems).toHaveLength(5);
    expect(r.problems.join('\n')).toMatch(/expired at 2025-06-01/);
    expect(r.problems.join('\n')).toMatch(
      /holds serial 0c, not the expected 0a:0b/,
    );
    expect(r.problems.join('\n')).toMatch(
      /issuer 'CN=Intermediate' is not in the repository/,
    );
    expect(r.problems.join('\n')).toMatch(
      /label 'chlcert' is missing; the repository holds 'qm1cert', 'caonly'/,
    );
    expect(r.problems.join('\n')).toMatch(
      /label 'caonly' holds only a CA certificate/,
    );
  });

  it('throws a ConflictError listing the problems', () => {
    let error: Error | undefined;
    try {
      assertCutoverPreflight({
        inspection: inspection([
          {
            label: 'qm1cert',
            personal: true,
            certificate: leaf,
            chain: [inter],
          },
        ]),
        labels: ['qm1cert'],
        now,
        repositoryName: 'qm1/ssl/key-x.p12',
      });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.name).toBe('ConflictError');
    expect(error?.message).toMatch(
      /qm1\/ssl\/key-x.p12 is not safe to cut over to: label 'qm1cert': the chain stops at 'CN=Intermediate'/,
    );
  });
});
