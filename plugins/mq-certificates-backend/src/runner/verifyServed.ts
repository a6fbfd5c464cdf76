import {
  QueueManagerSpec,
  Rotation,
  ServedCertificate,
  serialNumbersEqual,
} from '@mqcert/plugin-mq-certificates-common';

/**
 * Compares what a queue manager serves with what a rotation installed. The
 * listener without SNI must serve the queue manager's certificate; each TLS
 * channel, probed with its SNI name, must serve the certificate of its own
 * CERTLABL when it has one (Rotation.certificates), else the queue
 * manager's. Returns the problems in plain words; empty means verified.
 */
export function verifyServedCertificates(
  served: ServedCertificate,
  rotation: Pick<
    Rotation,
    'serialNumber' | 'certificates' | 'certificateLabel'
  >,
  spec: Pick<QueueManagerSpec, 'tlsChannels'>,
): string[] {
  if (served.error) {
    return [
      `the listener ${served.listener} could not be probed: ${served.error}`,
    ];
  }
  const problems: string[] = [];
  if (
    !served.serialNumber ||
    !serialNumbersEqual(served.serialNumber, rotation.serialNumber)
  ) {
    problems.push(
      `the listener ${served.listener} served serial ${
        served.serialNumber ?? '(none)'
      }, not the new ${rotation.serialNumber} (label '${
        rotation.certificateLabel
      }')`,
    );
  }
  for (const channel of spec.tlsChannels) {
    const expectedLabel = channel.certificateLabel ?? rotation.certificateLabel;
    const expected =
      rotation.certificates.find(c => c.label === expectedLabel)
        ?.serialNumber ??
      (channel.certificateLabel ? undefined : rotation.serialNumber);
    const result = served.channels.find(c => c.channel === channel.name);
    if (!expected) {
      problems.push(
        `channel ${channel.name} uses label '${expectedLabel}', but the rotation has no certificate for that label`,
      );
    } else if (!result) {
      problems.push(`channel ${channel.name} was not probed`);
    } else if (result.error && !result.serialNumber) {
      problems.push(
        `channel ${channel.name} (SNI ${result.sniHostname}) could not be probed: ${result.error}`,
      );
    } else if (
      !result.serialNumber ||
      !serialNumbersEqual(result.serialNumber, expected)
    ) {
      problems.push(
        `channel ${channel.name} (SNI ${result.sniHostname}) served serial ${
          result.serialNumber ?? '(none)'
        }, not ${expected} (label '${expectedLabel}')`,
      );
    }
  }
  return problems;
}
