import { createHash } from 'node:crypto';
import { InputError } from '@backstage/errors';

/**
 * The SHA-256 fingerprint of an SSH public key blob, in the form OpenSSH
 * prints it (`ssh-keygen -lf key.pub`, `ssh-keyscan host | ssh-keygen -lf -`):
 * `SHA256:` and the unpadded base64 of the digest.
 *
 * @public
 */
export function sshKeyFingerprintSha256(publicKeyBlob: Buffer): string {
  const digest = createHash('sha256').update(publicKeyBlob).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/**
 * Validates a pinned host key fingerprint and returns it in OpenSSH's form.
 * Accepts it with or without the `SHA256:` prefix and base64 padding; refuses
 * MD5 colon-hex fingerprints and anything that is not 32 bytes.
 *
 * @public
 */
export function normalizeSshFingerprint(value: string, field: string): string {
  const text = typeof value === 'string' ? value.trim() : '';
  const hint = `give the SHA-256 fingerprint as 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub' prints it on the host, e.g. SHA256:n0Vb4bQnEr4iGSlR7y3ZAqCw5nCUl0ZPj5QfE9uF0Ew`;
  if (/^(MD5:)?([0-9a-f]{2}:){15}[0-9a-f]{2}$/i.test(text)) {
    throw new InputError(
      `${field}: '${text}' is an MD5 fingerprint, which is too weak to pin; ${hint}`,
    );
  }
  const body = text.replace(/^SHA256:/, '').replace(/=+$/, '');
  const bytes = /^[A-Za-z0-9+/]+$/.test(body)
    ? Buffer.from(body, 'base64')
    : Buffer.alloc(0);
  if (
    bytes.length !== 32 ||
    bytes.toString('base64').replace(/=+$/, '') !== body
  ) {
    throw new InputError(
      `${field}: '${text}' is not a SHA-256 host key fingerprint; ${hint}`,
    );
  }
  return `SHA256:${body}`;
}
