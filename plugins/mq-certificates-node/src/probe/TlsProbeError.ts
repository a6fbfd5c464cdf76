import { CustomErrorBase } from '@backstage/errors';

/** Why a listener could not be probed. */
export type TlsProbeFailure =
  | 'refused'
  | 'timeout'
  | 'handshake'
  | 'dns'
  | 'unreachable'
  | 'no-certificate';

/**
 * A TLS listener could not be probed. Trust problems are never this error:
 * the probe reports what was served even when it does not verify.
 */
export class TlsProbeError extends CustomErrorBase {
  name = 'TlsProbeError' as const;
  constructor(
    message: string,
    readonly reason: TlsProbeFailure,
    readonly host: string,
    readonly port: number,
    readonly servername?: string,
    cause?: unknown,
  ) {
    super(message, cause);
  }

  /** Type guard that works across package copies. */
  static is(value: unknown): value is TlsProbeError {
    return (
      value instanceof Error &&
      value.name === 'TlsProbeError' &&
      typeof (value as TlsProbeError).reason === 'string'
    );
  }
}
