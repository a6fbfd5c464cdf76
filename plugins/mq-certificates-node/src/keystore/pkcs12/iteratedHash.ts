import { createHash } from 'node:crypto';

/*
 * H^n(x) for a digest-sized x: the inner loop of the PKCS#12 key derivation
 * (RFC 7292 appendix B), which hashes its own 20- or 32-byte output 2048
 * times per derived value. Calling node:crypto per round costs about 2 µs
 * in call overhead alone (~30 ms per keystore, slower than running
 * `openssl pkcs12`); these single-block compressions with fixed padding take
 * a fraction of that. Other digests fall back to node:crypto.
 */

const SHA256_K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
  0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
  0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const SHA256_IV = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c,
  0x1f83d9ab, 0x5be0cd19,
]);

function iterateSha1(input: Buffer, times: number): Buffer {
  const w = new Int32Array(80);
  let h0 = input.readInt32BE(0);
  let h1 = input.readInt32BE(4);
  let h2 = input.readInt32BE(8);
  let h3 = input.readInt32BE(12);
  let h4 = input.readInt32BE(16);
  for (let round = 0; round < times; round++) {
    w[0] = h0;
    w[1] = h1;
    w[2] = h2;
    w[3] = h3;
    w[4] = h4;
    w[5] = 0x80000000 | 0;
    for (let t = 6; t < 15; t++) w[t] = 0;
    w[15] = 160; // message length in bits
    for (let t = 16; t < 80; t++) {
      const x = w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16];
      w[t] = (x << 1) | (x >>> 31);
    }
    let a = 0x67452301;
    let b = 0xefcdab89 | 0;
    let c = 0x98badcfe | 0;
    let d = 0x10325476;
    let e = 0xc3d2e1f0 | 0;
    // Five rounds per step with the variables rotated by name, not by moves.
    let t = 0;
    for (; t < 20; t += 5) {
      e =
        (((a << 5) | (a >>> 27)) +
          ((b & c) | (~b & d)) +
          e +
          0x5a827999 +
          w[t]) |
        0;
      b = (b << 30) | (b >>> 2);
      d =
        (((e << 5) | (e >>> 27)) +
          ((a & b) | (~a & c)) +
          d +
          0x5a827999 +
          w[t + 1]) |
        0;
      a = (a << 30) | (a >>> 2);
      c =
        (((d << 5) | (d >>> 27)) +
          ((e & a) | (~e & b)) +
          c +
          0x5a827999 +
          w[t + 2]) |
        0;
      e = (e << 30) | (e >>> 2);
      b =
        (((c << 5) | (c >>> 27)) +
          ((d & e) | (~d & a)) +
          b +
          0x5a827999 +
          w[t + 3]) |
        0;
      d = (d << 30) | (d >>> 2);
      a =
        (((b << 5) | (b >>> 27)) +
          ((c & d) | (~c & e)) +
          a +
          0x5a827999 +
          w[t + 4]) |
        0;
      c = (c << 30) | (c >>> 2);
    }
    for (; t < 40; t += 5) {
      e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + w[t]) | 0;
      b = (b << 30) | (b >>> 2);
      d =
        (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + 0x6ed9eba1 + w[t + 1]) | 0;
      a = (a << 30) | (a >>> 2);
      c =
        (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + 0x6ed9eba1 + w[t + 2]) | 0;
      e = (e << 30) | (e >>> 2);
      b =
        (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + 0x6ed9eba1 + w[t + 3]) | 0;
      d = (d << 30) | (d >>> 2);
      a =
        (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + 0x6ed9eba1 + w[t + 4]) | 0;
      c = (c << 30) | (c >>> 2);
    }
    for (; t < 60; t += 5) {
      e =
        (((a << 5) | (a >>> 27)) +
          ((b & c) | (b & d) | (c & d)) +
          e +
          (0x8f1bbcdc | 0) +
          w[t]) |
        0;
      b = (b << 30) | (b >>> 2);
      d =
        (((e << 5) | (e >>> 27)) +
          ((a & b) | (a & c) | (b & c)) +
          d +
          (0x8f1bbcdc | 0) +
          w[t + 1]) |
        0;
      a = (a << 30) | (a >>> 2);
      c =
        (((d << 5) | (d >>> 27)) +
          ((e & a) | (e & b) | (a & b)) +
          c +
          (0x8f1bbcdc | 0) +
          w[t + 2]) |
        0;
      e = (e << 30) | (e >>> 2);
      b =
        (((c << 5) | (c >>> 27)) +
          ((d & e) | (d & a) | (e & a)) +
          b +
          (0x8f1bbcdc | 0) +
          w[t + 3]) |
        0;
      d = (d << 30) | (d >>> 2);
      a =
        (((b << 5) | (b >>> 27)) +
          ((c & d) | (c & e) | (d & e)) +
          a +
          (0x8f1bbcdc | 0) +
          w[t + 4]) |
        0;
      c = (c << 30) | (c >>> 2);
    }
    for (; t < 80; t += 5) {
      e =
        (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + (0xca62c1d6 | 0) + w[t]) |
        0;
      b = (b << 30) | (b >>> 2);
      d =
        (((e << 5) | (e >>> 27)) +
          (a ^ b ^ c) +
          d +
          (0xca62c1d6 | 0) +
          w[t + 1]) |
        0;
      a = (a << 30) | (a >>> 2);
      c =
        (((d << 5) | (d >>> 27)) +
          (e ^ a ^ b) +
          c +
          (0xca62c1d6 | 0) +
          w[t + 2]) |
        0;
      e = (e << 30) | (e >>> 2);
      b =
        (((c << 5) | (c >>> 27)) +
          (d ^ e ^ a) +
          b +
          (0xca62c1d6 | 0) +
          w[t + 3]) |
        0;
      d = (d << 30) | (d >>> 2);
      a =
        (((b << 5) | (b >>> 27)) +
          (c ^ d ^ e) +
          a +
          (0xca62c1d6 | 0) +
          w[t + 4]) |
        0;
      c = (c << 30) | (c >>> 2);
    }
    h0 = (a + 0x67452301) | 0;
    h1 = (b + (0xefcdab89 | 0)) | 0;
    h2 = (c + (0x98badcfe | 0)) | 0;
    h3 = (d + 0x10325476) | 0;
    h4 = (e + (0xc3d2e1f0 | 0)) | 0;
  }
  const out = Buffer.alloc(20);
  [h0, h1, h2, h3, h4].forEach((h, i) => out.writeInt32BE(h, i * 4));
  return out;
}

function iterateSha256(input: Buffer, times: number): Buffer {
  const w = new Int32Array(64);
  const h = new Int32Array(8);
  for (let i = 0; i < 8; i++) h[i] = input.readInt32BE(i * 4);
  for (let round = 0; round < times; round++) {
    for (let i = 0; i < 8; i++) w[i] = h[i];
    w[8] = 0x80000000 | 0;
    for (let t = 9; t < 15; t++) w[t] = 0;
    w[15] = 256;
    for (let t = 16; t < 64; t++) {
      const x = w[t - 15];
      const y = w[t - 2];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 =
        ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
    }
    let a = SHA256_IV[0];
    let b = SHA256_IV[1];
    let c = SHA256_IV[2];
    let d = SHA256_IV[3];
    let e = SHA256_IV[4];
    let f = SHA256_IV[5];
    let g = SHA256_IV[6];
    let hh = SHA256_IV[7];
    for (let t = 0; t < 64; t++) {
      const S1 =
        ((e >>> 6) | (e << 26)) ^
        ((e >>> 11) | (e << 21)) ^
        ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + S1 + ch + SHA256_K[t] + w[t]) | 0;
      const S0 =
        ((a >>> 2) | (a << 30)) ^
        ((a >>> 13) | (a << 19)) ^
        ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] = (a + SHA256_IV[0]) | 0;
    h[1] = (b + SHA256_IV[1]) | 0;
    h[2] = (c + SHA256_IV[2]) | 0;
    h[3] = (d + SHA256_IV[3]) | 0;
    h[4] = (e + SHA256_IV[4]) | 0;
    h[5] = (f + SHA256_IV[5]) | 0;
    h[6] = (g + SHA256_IV[6]) | 0;
    h[7] = (hh + SHA256_IV[7]) | 0;
  }
  const out = Buffer.alloc(32);
  for (let i = 0; i < 8; i++) out.writeInt32BE(h[i], i * 4);
  return out;
}

/** Applies `hash` to `input` `times` more times (input is already one digest). */
export function iterateDigest(
  hash: string,
  input: Buffer,
  times: number,
): Buffer {
  if (times <= 0) return input;
  if (hash === 'sha1' && input.length === 20) return iterateSha1(input, times);
  if (hash === 'sha256' && input.length === 32)
    return iterateSha256(input, times);
  let out = input;
  for (let i = 0; i < times; i++) out = createHash(hash).update(out).digest();
  return out;
}
