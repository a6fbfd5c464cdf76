import { KeyObject, X509Certificate } from 'node:crypto';
import { InputError } from '@backstage/errors';
import { parsePem } from './pem';
import { isPrivateKeyType, parsePrivateKeyBlock } from './privateKey';

/** What a PEM text held, sorted by kind, each in the order given. */
export interface CertificateBundle {
  certificates: X509Certificate[];
  /** Secret: never log it. */
  privateKey?: KeyObject;
  /** PEM type the key came as, e.g. `EC PRIVATE KEY`. */
  privateKeyPemType?: string;
  /** DER of `CERTIFICATE REQUEST` blocks. */
  certificateRequests: Buffer[];
}

/**
 * Reads a leaf + chain string, a CA bundle or Vault's `pem_bundle` (key
 * first): every block by its type, in any order. At most one private key.
 */
export function parseCertificateBundle(
  text: string,
  field = 'PEM bundle',
): CertificateBundle {
  const bundle: CertificateBundle = {
    certificates: [],
    certificateRequests: [],
  };
  let keyBlock: number | undefined;
  for (const block of parsePem(text, field)) {
    if (block.type === 'CERTIFICATE') {
      try {
        bundle.certificates.push(new X509Certificate(block.der));
      } catch {
        throw new InputError(
          `${field}: block ${block.index} (CERTIFICATE) is not a readable X.509 certificate`,
        );
      }
    } else if (isPrivateKeyType(block.type)) {
      if (keyBlock !== undefined) {
        throw new InputError(
          `${field}: blocks ${keyBlock} and ${block.index} are both private keys; give one key per bundle`,
        );
      }
      keyBlock = block.index;
      bundle.privateKey = parsePrivateKeyBlock(block, field);
      bundle.privateKeyPemType = block.type;
    } else if (
      block.type === 'CERTIFICATE REQUEST' ||
      block.type === 'NEW CERTIFICATE REQUEST'
    ) {
      bundle.certificateRequests.push(block.der);
    } else {
      throw new InputError(
        `${field}: block ${block.index} has type '${block.type}', which is not used here; give CERTIFICATE, PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY or CERTIFICATE REQUEST blocks`,
      );
    }
  }
  return bundle;
}

/** Reads PEM text that must hold certificates only (a chain or trust anchors). */
export function parseCertificates(
  text: string,
  field = 'certificates',
): X509Certificate[] {
  const bundle = parseCertificateBundle(text, field);
  if (bundle.privateKey || bundle.certificateRequests.length) {
    throw new InputError(
      `${field}: expected certificates only, found a key or a request`,
    );
  }
  if (bundle.certificates.length === 0) {
    throw new InputError(`${field}: no CERTIFICATE block found`);
  }
  return bundle.certificates;
}
