/*
 * The check before a cut-over: every label the queue manager and its TLS
 * channels will use must exist in the staged repository, exactly as spelled
 * (MQ labels are case-sensitive), and hold a personal certificate whose chain
 * up to a self-signed root is in the repository. A missing or differently
 * cased label makes every TLS channel fail after the refresh (AMQ9645E,
 * shared/reference/ibm-mq.md §8 #1), and a missing CA breaks partners that
 * validate the chain (§8 #3). The check is pure: it reads an inspection of the
 * staged repository made by a KeystoreFormat.
 */
import { ConflictError } from '@backstage/errors';
import {
  serialNumbersEqual,
  type CertificateSummary,
} from '@mqcert/plugin-mq-certificates-common';
import type { KeystoreInspection, KeystoreLabelInfo } from '../types';

/** Input of {@link checkCutoverPreflight}. */
export interface CutoverPreflightInput {
  /** The staged repository, opened with its password. */
  inspection: KeystoreInspection;
  /** Labels that must hold a personal certificate: the queue manager's CERTLABL first, then channel labels. */
  labels: string[];
  /** Serials the labels must hold (e.g. the certificate just issued), canonical or any hex form. */
  expectedSerialNumbers?: Record<string, string>;
  /** Accept a chain that ends at a CA which is in the repository but not self-signed. Default false. */
  allowMissingRoot?: boolean;
  /** Default: now. */
  now?: Date;
  /** Names the repository in messages, e.g. its path. */
  repositoryName?: string;
}

/** Result of {@link checkCutoverPreflight}: `problems` is empty when it is safe to cut over. */
export interface CutoverPreflightResult {
  ok: boolean;
  problems: string[];
}

function describe(c: CertificateSummary): string {
  return `'${c.subject}' (serial ${c.serialNumber})`;
}

/** The problems with a label's chain, empty when it reaches a root. */
function chainProblems(
  label: string,
  entry: KeystoreLabelInfo,
  inspection: KeystoreInspection,
  allowMissingRoot: boolean,
): string[] {
  // Issuers may sit in the entry's own chain or as CA entries of the repository.
  const pool = [
    ...entry.chain,
    ...inspection.entries.filter(e => !e.personal).map(e => e.certificate),
  ];
  let current = entry.certificate;
  const seen = new Set<string>([current.fingerprintSha256]);
  for (let depth = 0; depth <= pool.length; depth++) {
    if (current.subject === current.issuer) return [];
    const wanted = current.issuer;
    const issuer = pool.find(
      c => c.subject === wanted && !seen.has(c.fingerprintSha256),
    );
    if (!issuer) {
      if (allowMissingRoot && depth > 0) return [];
      return [
        `label '${label}': the chain stops at ${describe(
          current,
        )}; its issuer '${
          current.issuer
        }' is not in the repository. Add the issuing CA certificates (intermediates and root) when building the repository`,
      ];
    }
    seen.add(issuer.fingerprintSha256);
    current = issuer;
  }
  return [`label '${label}': the chain loops; rebuild the repository`];
}

/**
 * Checks a staged repository against the labels a cut-over will use. Pure:
 * no I/O, the same input gives the same answer.
 */
export function checkCutoverPreflight(
  input: CutoverPreflightInput,
): CutoverPreflightResult {
  const { inspection } = input;
  const now = input.now ?? new Date();
  const problems: string[] = [];
  if (input.labels.length === 0) {
    problems.push(
      'no certificate label to check; give the queue manager CERTLABL',
    );
  }
  for (const label of input.labels) {
    const entry = inspection.entries.find(e => e.label === label);
    if (!entry) {
      const sameIgnoringCase = inspection.entries.find(
        e => e.label.toLowerCase() === label.toLowerCase(),
      );
      problems.push(
        sameIgnoringCase
          ? `label '${label}' is missing; the repository has '${sameIgnoringCase.label}', which differs only in case, and MQ labels are case-sensitive. Rebuild the repository with the label '${label}'`
          : `label '${label}' is missing; the repository holds ${
              inspection.entries.length
                ? inspection.entries.map(e => `'${e.label}'`).join(', ')
                : 'no entries'
            }. After the refresh every TLS channel using it would fail (AMQ9645E); rebuild the repository with that label`,
      );
      continue;
    }
    if (!entry.personal) {
      problems.push(
        `label '${label}' holds only a CA certificate ${describe(
          entry.certificate,
        )}, not a personal certificate with its private key; rebuild the repository with the queue manager's certificate and key under that label`,
      );
      continue;
    }
    const c = entry.certificate;
    if (Date.parse(c.notAfter) <= now.getTime()) {
      problems.push(
        `label '${label}': the certificate ${describe(c)} expired at ${
          c.notAfter
        }; issue a new one`,
      );
    } else if (Date.parse(c.notBefore) > now.getTime()) {
      problems.push(
        `label '${label}': the certificate ${describe(c)} is not valid before ${
          c.notBefore
        }; wait or check the issuer's clock`,
      );
    }
    const expected = input.expectedSerialNumbers?.[label];
    if (expected && !serialNumbersEqual(expected, c.serialNumber)) {
      problems.push(
        `label '${label}' holds serial ${c.serialNumber}, not the expected ${expected}; the staged file is not the one built for this rotation`,
      );
    }
    problems.push(
      ...chainProblems(
        label,
        entry,
        inspection,
        input.allowMissingRoot ?? false,
      ),
    );
  }
  return { ok: problems.length === 0, problems };
}

/** {@link checkCutoverPreflight}, throwing a ConflictError that lists every problem. */
export function assertCutoverPreflight(input: CutoverPreflightInput): void {
  const { ok, problems } = checkCutoverPreflight(input);
  if (!ok) {
    throw new ConflictError(
      `the staged key repository${
        input.repositoryName ? ` ${input.repositoryName}` : ''
      } is not safe to cut over to: ${problems.join('; ')}`,
    );
  }
}
