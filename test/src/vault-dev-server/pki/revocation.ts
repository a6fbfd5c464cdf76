import { X509Certificate } from 'node:crypto';
import { badRequest } from '../http/vaultError';
import { bool, durationSeconds, str } from '../core/fields';
import { rfc3339Nano, unixSeconds } from '../core/time';
import type { LogicalResponse } from '../core/types';
import type { PkiMount, RevocationRecord } from './pkiMount';
import { serialFromHex, serialKey } from './serial';
import { pemBlocks, toPem } from './x509/der';

function revocationData(r: RevocationRecord): Record<string, unknown> {
  return {
    revocation_time: r.revocation_time,
    revocation_time_rfc3339: rfc3339Nano(r.revocation_time_ms),
    state: 'revoked',
  };
}

/** `POST revoke`: by serial_number (stored certs only) or by certificate PEM. */
export function revoke(
  mount: PkiMount,
  body: Record<string, unknown>,
): LogicalResponse {
  const serialIn = str(body.serial_number);
  const pemIn = str(body.certificate);
  if (serialIn && pemIn) {
    throw badRequest(
      'Must provide either the certificate or the serial to revoke; not both.',
    );
  }
  if (!serialIn && !pemIn) {
    throw badRequest(
      'The serial number or certificate to revoke must be provided.',
    );
  }
  let serial: string;
  let certPem: string;
  let issuerId: string;
  let notAfter: number;
  if (serialIn) {
    const key = serialKey(serialIn);
    serial = key.replace(/-/g, ':');
    const stored = mount.certs.get(key);
    if (!stored)
      throw badRequest(`certificate with serial ${serial} not found.`);
    ({
      certificate: certPem,
      issuer_id: issuerId,
      not_after: notAfter,
    } = stored);
  } else {
    const der = pemBlocks(pemIn, 'CERTIFICATE')[0];
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(der);
    } catch {
      throw badRequest('certificate could not be parsed');
    }
    const issuer = mount.issuerOf(cert);
    if (!issuer) {
      throw badRequest(
        'unable to verify signature on presented cert from any present issuer in this mount; certificates from previous CAs will need to have their issuing CA and key re-imported if revocation is necessary',
      );
    }
    serial = serialFromHex(cert.serialNumber);
    certPem = toPem(der, 'CERTIFICATE');
    issuerId = issuer.id;
    notAfter = new Date(cert.validTo).getTime();
  }
  const own = [...mount.issuers.values()].find(
    i => serialFromHex(i.cert.serialNumber) === serial,
  );
  if (own)
    throw badRequest(
      `adding issuer (id: ${own.id}) to its own CRL is not allowed`,
    );

  const existing = mount.revoked.get(serialKey(serial));
  if (existing) return { data: revocationData(existing) };
  if (notAfter < Date.now()) {
    return {
      warnings: [
        `certificate with serial ${serial} already expired; refusing to add to CRL`,
      ],
    };
  }
  const now = Date.now();
  const record: RevocationRecord = {
    serial_number: serial,
    certificate: certPem,
    issuer_id: issuerId,
    revocation_time: unixSeconds(now),
    revocation_time_ms: now,
  };
  mount.revoked.set(serialKey(serial), record);
  return { data: revocationData(record) };
}

const TIDY_STARTED =
  "Tidy operation successfully started. Any information from the operation will be printed to Vault's server logs.";

/**
 * `POST tidy`: removes stored and revoked certificates that expired more than
 * safety_buffer ago. Vault runs it in the background; here it finishes before
 * the 202 goes out, and tidy-status reports it.
 */
export function tidy(
  mount: PkiMount,
  body: Record<string, unknown>,
): LogicalResponse {
  const tidyCertStore = bool(body.tidy_cert_store, 'tidy_cert_store', false);
  const tidyRevoked = bool(
    body.tidy_revoked_certs,
    'tidy_revoked_certs',
    false,
  );
  const safetyBuffer = durationSeconds(
    body.safety_buffer,
    'safety_buffer',
    72 * 3600,
  );
  if (!tidyCertStore && !tidyRevoked) {
    throw badRequest(
      'Manual tidy requested but no tidy operations were set. Enable at least one tidy operation to be run (tidy_cert_store / tidy_revoked_certs).',
    );
  }
  const started = Date.now();
  const cutoff = started - safetyBuffer * 1000;
  let certsDeleted = 0;
  let revokedDeleted = 0;
  if (tidyCertStore) {
    for (const [key, c] of mount.certs) {
      if (c.not_after < cutoff) {
        mount.certs.delete(key);
        certsDeleted++;
      }
    }
  }
  if (tidyRevoked) {
    for (const [key, r] of mount.revoked) {
      const cert = new X509Certificate(
        pemBlocks(r.certificate, 'CERTIFICATE')[0],
      );
      if (new Date(cert.validTo).getTime() < cutoff) {
        mount.revoked.delete(key);
        revokedDeleted++;
      }
    }
  }
  mount.lastTidy = {
    safety_buffer: safetyBuffer,
    tidy_cert_store: tidyCertStore,
    tidy_revoked_certs: tidyRevoked,
    state: 'Finished',
    error: null,
    time_started: rfc3339Nano(started),
    time_finished: rfc3339Nano(Date.now()),
    message: '',
    cert_store_deleted_count: certsDeleted,
    revoked_cert_deleted_count: revokedDeleted,
  };
  return { status: 202, warnings: [TIDY_STARTED] };
}

export function tidyStatus(mount: PkiMount): LogicalResponse {
  return {
    data: mount.lastTidy ?? { state: 'Inactive', error: null, message: '' },
  };
}
