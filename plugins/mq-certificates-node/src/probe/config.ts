import fs from 'node:fs';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { NodeTlsProbe } from './NodeTlsProbe';

/**
 * The TLS probe configured under `mqCertificates.probe`: `ca` (PEM) or
 * `caFile`, `timeoutMs`. `extraCaPem` adds CAs known at run time (e.g. the
 * Vault PKI chain).
 */
export function createTlsProbe(
  config: Config,
  options: { extraCaPem?: string[] } = {},
): NodeTlsProbe {
  const c = config.getOptionalConfig('mqCertificates.probe');
  const caPem = [...(options.extraCaPem ?? [])];
  const inline = c?.getOptionalString('ca');
  if (inline) caPem.push(inline);
  const file = c?.getOptionalString('caFile');
  if (file) {
    try {
      caPem.push(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new InputError(
        `mqCertificates.probe.caFile: cannot read '${file}' (${
          (e as NodeJS.ErrnoException).code ?? (e as Error).message
        }); check the path and the backend's permission to read it`,
      );
    }
  }
  const timeoutMs = c?.getOptionalNumber('timeoutMs');
  if (
    timeoutMs !== undefined &&
    (!Number.isInteger(timeoutMs) || timeoutMs < 100)
  ) {
    throw new InputError(
      `mqCertificates.probe.timeoutMs: ${timeoutMs} is not a whole number of milliseconds of at least 100`,
    );
  }
  return new NodeTlsProbe({ caPem, timeoutMs });
}
