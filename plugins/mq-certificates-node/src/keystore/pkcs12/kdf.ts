import { createHash } from 'node:crypto';
import { iterateDigest } from './iteratedHash';

/** Purpose bytes of the PKCS#12 key derivation (RFC 7292 B.3). */
export const KDF_ID = { key: 1, iv: 2, mac: 3 } as const;

const BLOCK_BYTES: Record<string, number> = {
  sha1: 64,
  sha224: 64,
  sha256: 64,
  sha384: 128,
  sha512: 128,
};

/** A password as PKCS#12 wants it: BMPString (UTF-16BE) with a two-byte NUL terminator. */
export function bmpPassword(password: string): Buffer {
  return Buffer.concat([
    Buffer.from(password, 'utf16le').swap16(),
    Buffer.alloc(2),
  ]);
}

function repeatTo(data: Buffer, v: number): Buffer {
  if (data.length === 0) return Buffer.alloc(0);
  const out = Buffer.alloc(v * Math.ceil(data.length / v));
  for (let i = 0; i < out.length; i++) out[i] = data[i % data.length];
  return out;
}

/**
 * The PKCS#12 key derivation function (RFC 7292 appendix B.2), used by the
 * `pbeWithSHAAnd…` ciphers and by the integrity MAC of every PKCS#12 file.
 */
export function pkcs12Kdf(
  hash: string,
  password: Buffer,
  salt: Buffer,
  id: number,
  iterations: number,
  length: number,
): Buffer {
  const v = BLOCK_BYTES[hash];
  if (!v) throw new Error(`unsupported PKCS#12 KDF digest ${hash}`);
  const d = Buffer.alloc(v, id);
  const i = Buffer.concat([repeatTo(salt, v), repeatTo(password, v)]);
  const out: Buffer[] = [];
  let produced = 0;
  while (produced < length) {
    const first = createHash(hash).update(d).update(i).digest();
    const a = iterateDigest(hash, first, iterations - 1);
    out.push(a);
    produced += a.length;
    if (produced >= length) break;
    // I_j = (I_j + B + 1) mod 2^(8v) for every v-byte block of I.
    const b = repeatTo(a, v).subarray(0, v);
    for (let j = 0; j < i.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = i[j + k] + b[k] + carry;
        i[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, length);
}
