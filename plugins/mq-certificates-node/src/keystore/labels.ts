import { X509Certificate } from 'node:crypto';
import { validateCertificateLabel } from '@mqcert/plugin-mq-certificates-common';
import { fingerprintSha256 } from '../certificates/summary';

/**
 * A label for a CA certificate: its common name made label-safe (GSKit and
 * MQ accept more, but labels also reach runmqakm arguments and MQSC), unique
 * among `taken`. Falls back to `ca-<fingerprint prefix>` for a CA without a
 * usable CN.
 */
export function caCertificateLabel(
  cert: X509Certificate,
  taken: Set<string>,
): string {
  const cn = cert.subject
    .split('\n')
    .find(line => line.startsWith('CN='))
    ?.slice(3);
  let base = (cn ?? '')
    .replace(/\\/g, '')
    .replace(/[^A-Za-z0-9 ._@-]/g, '_')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 58)
    .trimEnd();
  if (!base)
    base = `ca-${fingerprintSha256(cert.raw).replace(/:/g, '').slice(0, 16)}`;
  let label = base;
  for (let n = 2; taken.has(label); n++) label = `${base}-${n}`;
  validateCertificateLabel(label);
  taken.add(label);
  return label;
}
