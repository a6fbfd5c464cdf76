import { createHash } from 'node:crypto';
import { iterateSha1, iterateSha256 } from './unrolledDigests';

/*
 * H^n(x) for a digest-sized x: the inner loop of the PKCS#12 key derivation
 * (RFC 7292 appendix B), which hashes its own 20- or 32-byte output 2048
 * times per derived value. Calling node:crypto per round costs about 2 µs
 * in call overhead alone (~30 ms per keystore, slower than running
 * `openssl pkcs12`); the single-block compressions with fixed padding in
 * unrolledDigests.ts take a fraction of that. Other digests fall back to
 * node:crypto.
 */

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
