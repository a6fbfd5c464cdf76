import { X509Certificate } from 'node:crypto';
import { createCertificate } from '../certificates/certificateBuilder';
import { createTestPki, testKey } from '../certificates/testPki';
import { mapIssueResponse } from './issuedCertificate';
import { VaultError } from './VaultError';

/** Vault trims PEM strings: no trailing newline (sdk certutil.ToCertBundle). */
const trimmed = (c: X509Certificate) => c.toString().trim();

const pki = createTestPki({ name: 'Vault Map' });
const root = pki.root.cert;
const intermediate = pki.intermediate.cert;
const leaf = pki.leaf.cert;

function issueAnswer(
  data: Record<string, unknown>,
  warnings: string[] | null = null,
) {
  return {
    request_id: 'r',
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data: {
      certificate: trimmed(leaf),
      private_key:
        '-----BEGIN RSA PRIVATE KEY-----\nsecret\n-----END RSA PRIVATE KEY-----',
      private_key_type: 'rsa',
      serial_number: 'not:read:from:here',
      expiration: 4102444800,
      ...data,
    },
    wrap_info: null,
    warnings,
    auth: null,
    mount_type: 'pki',
  };
}

const OP = { operation: 'issue on role pki_int/mq-queue-managers' };

describe('mapIssueResponse', () => {
  it('maps a full answer, reading serial, validity and fingerprint from the certificate', () => {
    const issued = mapIssueResponse(
      issueAnswer({
        ca_chain: [trimmed(intermediate), trimmed(root)],
        issuing_ca: trimmed(intermediate),
      }),
      OP,
    );
    expect(issued.certificatePem).toBe(leaf.toString());
    expect(issued.chainPem).toEqual([intermediate.toString(), root.toString()]);
    expect(issued.chainComplete).toBe(true);
    expect(issued.serialNumber).toBe(issued.summary.serialNumber);
    expect(issued.serialNumber).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2})*$/);
    expect(issued.notAfter).toBe(new Date(leaf.validTo).toISOString());
    expect(issued.notBefore).toBe(new Date(leaf.validFrom).toISOString());
    expect(issued.fingerprintSha256).toBe(leaf.fingerprint256.toLowerCase());
    expect(issued.summary.subjectAltNames).toContain('DNS:qm1.example.com');
    expect(issued.privateKeyType).toBe('rsa');
    expect(issued.privateKeyPem).toContain('RSA PRIVATE KEY');
    expect(issued.warnings).toEqual([]);
  });

  it('orders a chain Vault gave root-first', () => {
    const issued = mapIssueResponse(
      issueAnswer({ ca_chain: [trimmed(root), trimmed(intermediate)] }),
      OP,
    );
    expect(issued.chainPem).toEqual([intermediate.toString(), root.toString()]);
  });

  it('ca_chain without the root: kept, marked incomplete', () => {
    const issued = mapIssueResponse(
      issueAnswer({ ca_chain: [trimmed(intermediate)] }),
      OP,
    );
    expect(issued.chainPem).toEqual([intermediate.toString()]);
    expect(issued.chainComplete).toBe(false);
  });

  it('ca_chain without the root: completed from configured CA certificates', () => {
    const issued = mapIssueResponse(
      issueAnswer({ ca_chain: [trimmed(intermediate)] }),
      {
        ...OP,
        trustAnchors: [root],
      },
    );
    expect(issued.chainPem).toEqual([intermediate.toString(), root.toString()]);
    expect(issued.chainComplete).toBe(true);
  });

  it('no ca_chain but issuing_ca: the issuing CA is the chain', () => {
    const issued = mapIssueResponse(
      issueAnswer({ issuing_ca: trimmed(intermediate) }),
      OP,
    );
    expect(issued.chainPem).toEqual([intermediate.toString()]);
    expect(issued.chainComplete).toBe(false);
  });

  it('neither ca_chain nor issuing_ca: an empty chain, not a failure', () => {
    const issued = mapIssueResponse(issueAnswer({}), OP);
    expect(issued.chainPem).toEqual([]);
    expect(issued.chainComplete).toBe(false);
  });

  it('TTL cut to max_ttl: the real notAfter comes from the certificate and the warning is passed through', () => {
    const notAfter = new Date(Date.now() + 72 * 3600 * 1000);
    notAfter.setUTCMilliseconds(0);
    const cut = createCertificate({
      subject: 'CN=qm2.example.com',
      publicKey: testKey('rsa', 0),
      issuer: intermediate,
      signingKey: pki.intermediate.key,
      notAfter,
      dnsNames: ['qm2.example.com'],
    });
    const warning =
      'TTL "720h0m0s" is longer than permitted maxTTL "72h0m0s", so maxTTL is being used';
    const issued = mapIssueResponse(
      // `expiration` deliberately disagrees: only the certificate counts.
      issueAnswer(
        {
          certificate: trimmed(cut),
          ca_chain: [trimmed(intermediate), trimmed(root)],
        },
        [warning],
      ),
      OP,
    );
    expect(issued.notAfter).toBe(notAfter.toISOString());
    expect(issued.warnings).toEqual([warning]);
  });

  it('EC key (role key_type=ec): EC PRIVATE KEY and key type ec', () => {
    const ec = createTestPki({ name: 'Vault Map EC', leafKeyType: 'ec-p256' });
    const keyPem = (
      ec.leaf.key.export({ type: 'sec1', format: 'pem' }) as string
    ).trim();
    const issued = mapIssueResponse(
      issueAnswer({
        certificate: trimmed(ec.leaf.cert),
        ca_chain: [trimmed(ec.intermediate.cert), trimmed(ec.root.cert)],
        private_key: keyPem,
        private_key_type: 'ec',
      }),
      OP,
    );
    expect(issued.privateKeyPem).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
    expect(issued.privateKeyType).toBe('ec');
    expect(issued.summary).toMatchObject({ keyType: 'ec', keyBits: 256 });
  });

  it('a sign answer has no key', () => {
    const answer = issueAnswer({
      ca_chain: [trimmed(intermediate), trimmed(root)],
    });
    delete (answer.data as Record<string, unknown>).private_key;
    delete (answer.data as Record<string, unknown>).private_key_type;
    const issued = mapIssueResponse(answer, OP);
    expect(issued.privateKeyPem).toBeUndefined();
    expect(issued.privateKeyType).toBeUndefined();
  });

  it('an answer without a certificate is a VaultError naming the operation', () => {
    expect(() => mapIssueResponse({ data: null }, OP)).toThrow(VaultError);
    expect(() => mapIssueResponse({ data: null }, OP)).toThrow(
      /Vault issue on role pki_int\/mq-queue-managers failed/,
    );
  });
});
