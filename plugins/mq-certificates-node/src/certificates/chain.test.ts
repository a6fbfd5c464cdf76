import { orderChain, assertChainComplete } from './chain';
import { createTestPki } from './testPki';

describe('orderChain', () => {
  const pki = createTestPki();
  const other = createTestPki({ name: 'Other', slot: 1 });

  it('orders a chain given root-first leaf-first and pairs the leaf with the key', () => {
    const r = orderChain(
      [pki.root.cert, pki.intermediate.cert, pki.leaf.cert],
      {
        privateKey: pki.leaf.key,
      },
    );
    expect(r.leaf).toBe(pki.leaf.cert);
    expect(r.issuers).toEqual([pki.intermediate.cert, pki.root.cert]);
    expect(r.endsAtRoot).toBe(true);
    expect(r.problems).toEqual([]);
  });

  it('finds the leaf without a key, drops duplicates and reports unused certificates', () => {
    const r = orderChain([
      pki.intermediate.cert,
      other.root.cert,
      pki.leaf.cert,
      pki.root.cert,
      pki.intermediate.cert,
    ]);
    expect(r.leaf).toBe(pki.leaf.cert);
    expect(r.issuers).toEqual([pki.intermediate.cert, pki.root.cert]);
    expect(r.unused).toEqual([other.root.cert]);
  });

  it('falls back to names when certificates carry no key identifiers', () => {
    const bare = createTestPki({
      name: 'Bare',
      slot: 2,
      keyIdentifiers: false,
    });
    const r = orderChain(
      [bare.root.cert, bare.leaf.cert, bare.intermediate.cert],
      { privateKey: bare.leaf.key },
    );
    expect(r.issuers).toEqual([bare.intermediate.cert, bare.root.cert]);
    expect(r.problems).toEqual([]);
  });

  it('reports a missing link with the issuer it needs', () => {
    const r = orderChain([pki.leaf.cert, pki.root.cert], {
      privateKey: pki.leaf.key,
    });
    expect(r.endsAtRoot).toBe(false);
    expect(r.problems).toEqual([
      expect.stringMatching(
        /^missing link: no certificate for 'CN=Test Issuing CA,O=MQ Cert Tests' \(key id [0-9a-f]{40}\), the issuer of 'CN=qm1.example.com/,
      ),
    ]);
    expect(() => assertChainComplete(r, 'chain')).toThrow(
      /^chain: missing link/,
    );
  });

  it('completes a chain that lacks its root from the trust anchors', () => {
    const r = orderChain([pki.leaf.cert, pki.intermediate.cert], {
      trustAnchors: [pki.root.cert],
    });
    expect(r.issuers).toEqual([pki.intermediate.cert, pki.root.cert]);
    expect(r.anchor).toBe(pki.root.cert);
    expect(r.anchorAdded).toBe(true);
    expect(r.problems).toEqual([]);
  });

  it('reports a chain that does not end at a configured trust anchor', () => {
    const r = orderChain(
      [pki.leaf.cert, pki.intermediate.cert, pki.root.cert],
      {
        trustAnchors: [other.root.cert],
      },
    );
    expect(r.problems).toEqual([
      expect.stringMatching(
        /ends at 'CN=Test Root CA,O=MQ Cert Tests', which is not a configured trust anchor/,
      ),
    ]);
  });

  it('refuses a key that matches no certificate', () => {
    expect(() =>
      orderChain([pki.leaf.cert], { privateKey: other.leaf.key }),
    ).toThrow(/the private key matches none of the 1 certificate/);
  });
});
