import { createTestPki } from '../certificates/testPki';
import { verifyServedChain } from './servedChain';

// Without key identifiers, issuer-name matching is all checkIssued can do,
// so only the signature tells a genuine issuer from a namesake.
const genuine = createTestPki({ name: 'Same', keyIdentifiers: false });
const namesake = createTestPki({
  name: 'Same',
  slot: 1,
  keyIdentifiers: false,
});

describe('verifyServedChain', () => {
  it('trusts a chain to a configured root, and keeps refusing a namesake-signed leaf after a cached success', () => {
    const anchors = [genuine.root.cert];
    for (let i = 0; i < 2; i++) {
      expect(
        verifyServedChain(
          [genuine.leaf.cert, genuine.intermediate.cert],
          anchors,
        ),
      ).toEqual({ trusted: true });
      const forged = verifyServedChain(
        [namesake.leaf.cert, genuine.intermediate.cert],
        anchors,
      );
      expect(forged.trusted).toBe(false);
      expect(forged.error).toBe(
        "the chain does not reach a configured CA: no certificate from 'CN=Same Issuing CA,O=MQ Cert Tests' (the issuer of 'CN=qm1.example.com,OU=MQ,O=MQ Cert Tests') was served or configured",
      );
      // The namesake's own chain is genuine, but not to this root.
      expect(
        verifyServedChain(
          [namesake.leaf.cert, namesake.intermediate.cert],
          anchors,
        ).trusted,
      ).toBe(false);
    }
  });

  it('checks validity on every call, cached signatures or not', () => {
    const served = [genuine.leaf.cert, genuine.intermediate.cert];
    expect(verifyServedChain(served, [genuine.root.cert]).trusted).toBe(true);
    const later = Date.parse(genuine.leaf.cert.validTo) + 1000;
    expect(verifyServedChain(served, [genuine.root.cert], later)).toEqual({
      trusted: false,
      error: expect.stringMatching(
        /^certificate 'CN=qm1\.example\.com,OU=MQ,O=MQ Cert Tests' expired on /,
      ),
    });
  });
});
