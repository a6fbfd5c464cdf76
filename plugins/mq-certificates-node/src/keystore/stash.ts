import { InputError } from '@backstage/errors';

/** Size of a GSKit stash file. */
const STASH_SIZE = 1024;
const STASH_XOR = 0xf5;

/**
 * A GSKit-format stash (`<stem>.sth`): the password's bytes XORed with 0xF5,
 * then a terminator byte that decodes to 0, padded to 1024 bytes
 * (shared/reference/ibm-mq.md §2 "Stash (.sth) format").
 *
 * Why the PKCS#12 build writes one: a queue manager whose KEYRPWD is blank
 * opens the repository named by SSLKEYR with the stash beside it (same
 * stem). Staging each revision with its own stash is what lets the cut-over
 * (and the rollback) switch repositories with a plain
 * `ALTER QMGR SSLKEYR(...) CERTLABL(...)` — no password ever travels in
 * MQSC. The stash is as secret as the password: it is never written to the
 * scaffolder workspace and is staged with mode 0600 like the repository.
 * IBM recommends `runmqakm -keydb -stashpw` where GSKit is installed; the
 * format written here is the documented one.
 *
 * @public
 */
export function encodeGskitStash(password: string): Buffer {
  const bytes = Buffer.from(password, 'utf8');
  if (bytes.length === 0 || bytes.length >= STASH_SIZE) {
    throw new InputError(
      `password: a stashed password must be 1 to ${STASH_SIZE - 1} bytes long`,
    );
  }
  if (bytes.includes(0)) {
    throw new InputError('password: a stashed password cannot contain NUL');
  }
  const out = Buffer.alloc(STASH_SIZE, STASH_XOR);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] ^ STASH_XOR;
  return out;
}
