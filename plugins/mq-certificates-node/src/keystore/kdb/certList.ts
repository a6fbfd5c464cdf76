/** One line of `runmqakm -cert -list`. */
export interface ListedCertificate {
  label: string;
  /** `-`: has a private key. */
  personal: boolean;
  /** `*`: the default certificate. */
  isDefault: boolean;
  /** `!`: a trusted signer (CA). */
  trusted: boolean;
}

/**
 * Parses `runmqakm -cert -list` output: after a header (`Certificates found`
 * and `* default, - personal, ! trusted, # secret key`), one line per
 * certificate: prefix, tab, label (`-\tclient`, `*-\tqm1`, `!\tqm1_signer`),
 * as pymqi #247 shows and mq-container parses.
 */
export function parseCertList(stdout: string): ListedCertificate[] {
  const out: ListedCertificate[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^([*!#-]{1,3})\t(.+?)\s*$/.exec(line);
    if (!m || m[1].includes('#')) continue;
    out.push({
      label: m[2],
      personal: m[1].includes('-'),
      isDefault: m[1].includes('*'),
      trusted: m[1].includes('!'),
    });
  }
  return out;
}
