import { generateKeyPairSync } from 'node:crypto';
import {
  normalizeSshFingerprint,
  sshKeyFingerprintSha256,
} from './hostKeyFingerprint';

/** The SSH wire blob of an Ed25519 public key: string "ssh-ed25519", string key. */
function ed25519Blob(raw: Buffer): Buffer {
  const part = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    return Buffer.concat([len, b]);
  };
  return Buffer.concat([part(Buffer.from('ssh-ed25519')), part(raw)]);
}

describe('sshKeyFingerprintSha256', () => {
  it('matches the fingerprint OpenSSH prints for a known key', () => {
    // RFC 8032 test vector 1 public key. The expected value is what
    // OpenSSH 9.2 `ssh-keygen -lf` printed for "ssh-ed25519 AAAAC3Nza…B1Ea".
    const raw = Buffer.from(
      'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
      'hex',
    );
    const blob = ed25519Blob(raw);
    expect(blob.toString('base64')).toBe(
      'AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea',
    );
    expect(sshKeyFingerprintSha256(blob)).toBe(
      'SHA256:bbXpuKG6zhzdmnxq256TlqzFBzRl2f6OOg722cYNbU8',
    );
  });

  it('differs between keys', () => {
    const a = generateKeyPairSync('ed25519').publicKey.export({
      format: 'der',
      type: 'spki',
    });
    const b = generateKeyPairSync('ed25519').publicKey.export({
      format: 'der',
      type: 'spki',
    });
    expect(sshKeyFingerprintSha256(ed25519Blob(a.subarray(-32)))).not.toBe(
      sshKeyFingerprintSha256(ed25519Blob(b.subarray(-32))),
    );
  });
});

describe('normalizeSshFingerprint', () => {
  const fp = 'SHA256:n0Vb4bQnEr4iGSlR7y3ZAqCw5nCUl0ZPj5QfE9uF0Ew';

  it('accepts the OpenSSH form, without prefix or with padding', () => {
    expect(normalizeSshFingerprint(fp, 'f')).toBe(fp);
    expect(normalizeSshFingerprint(fp.slice(7), 'f')).toBe(fp);
    expect(normalizeSshFingerprint(` ${fp}= `, 'f')).toBe(fp);
  });

  it('refuses MD5 and malformed values, naming the field', () => {
    expect(() =>
      normalizeSshFingerprint(
        '16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48',
        'ssh.hostKeySha256',
      ),
    ).toThrow(/^ssh.hostKeySha256: .* is an MD5 fingerprint/);
    expect(() => normalizeSshFingerprint('SHA256:abc', 'x')).toThrow(
      /^x: 'SHA256:abc' is not a SHA-256 host key fingerprint/,
    );
    expect(() => normalizeSshFingerprint('', 'x')).toThrow(/^x: /);
  });
});
