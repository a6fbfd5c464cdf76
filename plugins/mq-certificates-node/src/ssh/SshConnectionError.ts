import { CustomErrorBase } from '@backstage/errors';

/** Why an SSH connection could not be used. @public */
export type SshConnectionFailure =
  | 'host-key'
  | 'authentication'
  | 'private-key'
  | 'timeout'
  | 'unreachable'
  | 'closed'
  | 'other';

/**
 * An SSH connection failed or was refused. `reason` says which step;
 * for `host-key`, `presentedHostKeySha256` is the fingerprint the host showed
 * (never secret: it is what an operator compares and pins).
 *
 * @public
 */
export class SshConnectionError extends CustomErrorBase {
  name = 'SshConnectionError' as const;

  constructor(
    message: string,
    readonly reason: SshConnectionFailure,
    readonly presentedHostKeySha256?: string,
    cause?: unknown,
  ) {
    super(message, cause);
  }
}
