import { X509Certificate } from 'node:crypto';
import { parsePem, toPem } from './pem';
import { fingerprintSha256 } from './summary';
import { createTestPki } from './testPki';

describe('parsePem', () => {
  const pki = createTestPki();
  const chain = pki.leaf.pem + pki.intermediate.pem + pki.root.pem;

  it('reads every block of a leaf + intermediate + root string, not just the first', () => {
    const blocks = parsePem(chain);
    expect(blocks.map(b => [b.index, b.type])).toEqual([
      [1, 'CERTIFICATE'],
      [2, 'CERTIFICATE'],
      [3, 'CERTIFICATE'],
    ]);
    expect(blocks.map(b => fingerprintSha256(b.der))).toEqual(
      [pki.leaf, pki.intermediate, pki.root].map(i =>
        fingerprintSha256(i.cert.raw),
      ),
    );
  });

  it('gives the same fingerprints for CRLF, trailing spaces, indentation and blank lines', () => {
    const messy = `\r\n\r\n${chain
      .split('\n')
      .map((line, i) => (i % 3 === 0 ? `  ${line}   ` : `${line} \t`))
      .join('\r\n\r\n')}\r\n   \r\n`;
    const plain = parsePem(chain).map(b => fingerprintSha256(b.der));
    expect(parsePem(messy).map(b => fingerprintSha256(b.der))).toEqual(plain);
    expect(
      parsePem(chain.replace(/\n/g, '\r')).map(b => fingerprintSha256(b.der)),
    ).toEqual(plain);
  });

  it('refuses stray text with the block number it follows', () => {
    const text = `${pki.leaf.pem}stray line of text\n${pki.root.pem}`;
    expect(() => parsePem(text, 'chain')).toThrow(
      /^chain: line \d+ \(after block 1\) is not part of a PEM block: 'stray line of text'/,
    );
    expect(() => parsePem(`hello there\n${pki.leaf.pem}`)).toThrow(
      /before block 1/,
    );
  });

  it('never quotes a stray line that may be key material', () => {
    const keyLine = pki.leafKeyPem.split('\n')[3];
    let message = '';
    try {
      parsePem(`${pki.leaf.pem}${keyLine}\n`);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/after block 1/);
    expect(message).not.toContain(keyLine.slice(0, 10));
  });

  it('names the block that is cut, damaged or mislabelled', () => {
    const lines = pki.intermediate.pem.trim().split('\n');
    const cut = `${pki.leaf.pem}${lines.slice(0, -1).join('\n')}\n`;
    expect(() => parsePem(cut)).toThrow(
      /block 2 \(CERTIFICATE\) starting at line \d+ has no END line/,
    );
    const damaged =
      pki.leaf.pem +
      [lines[0], lines[1], 'not*base64!', ...lines.slice(2)].join('\n');
    expect(() => parsePem(damaged)).toThrow(
      /block 2 \(CERTIFICATE\), line \d+ is not base64/,
    );
    const truncated =
      pki.leaf.pem + [lines[0], lines[1], lines[lines.length - 1]].join('\n');
    expect(() => parsePem(truncated)).toThrow(
      /block 2 \(CERTIFICATE\) is not valid base64-encoded DER/,
    );
    const mixed = pki.leaf.pem.replace('END CERTIFICATE', 'END PRIVATE KEY');
    expect(() => parsePem(mixed)).toThrow(
      /block 1 \(CERTIFICATE\) ends with an END line for 'PRIVATE KEY'/,
    );
    expect(() => parsePem('  \n')).toThrow(/empty/);
  });

  it('round-trips through toPem', () => {
    const der = pki.root.cert.raw;
    const [block] = parsePem(toPem('CERTIFICATE', der));
    expect(new X509Certificate(block.der).fingerprint256).toBe(
      pki.root.cert.fingerprint256,
    );
  });
});
