import { InputError } from '@backstage/errors';

/** Why a key repository could not be read. */
export type KeystoreReadProblem =
  | 'wrong-password'
  | 'unsupported-algorithm'
  | 'malformed'
  | 'key-mismatch';

/**
 * A key repository that cannot be opened, with the reason as data so
 * callers can tell a wrong password from an algorithm we cannot read.
 * Messages never contain the password or key bytes.
 */
export class KeystoreReadError extends InputError {
  constructor(
    message: string,
    readonly problem: KeystoreReadProblem,
    /** For `unsupported-algorithm`: the algorithm's name and OID. */
    readonly algorithm?: string,
  ) {
    super(message);
  }
}
