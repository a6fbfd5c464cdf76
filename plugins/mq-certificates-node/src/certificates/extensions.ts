import { X509Certificate } from 'node:crypto';
import { TAG, derChildren, decodeOid, readDer } from './der';
import { OID } from './oids';

/** Key identifiers of a certificate, lower-case hex; absent when the extension is. */
export interface KeyIdentifiers {
  subjectKeyId?: string;
  authorityKeyId?: string;
}

const cache = new WeakMap<X509Certificate, KeyIdentifiers>();

/**
 * Reads the subject and authority key identifier extensions, which node's
 * X509Certificate does not expose. Returns empty identifiers for a
 * certificate whose extensions cannot be read (chain ordering then falls
 * back to names).
 */
export function readKeyIdentifiers(cert: X509Certificate): KeyIdentifiers {
  const cached = cache.get(cert);
  if (cached) return cached;
  const ids: KeyIdentifiers = {};
  try {
    const certificate = readDer(cert.raw);
    const tbs = derChildren(certificate)[0];
    const extensions = derChildren(tbs).find(n => n.tag === 0xa3);
    if (extensions) {
      for (const ext of derChildren(derChildren(extensions)[0])) {
        const parts = derChildren(ext);
        const oid = decodeOid(parts[0].content);
        const value = parts[parts.length - 1].content;
        if (oid === OID.subjectKeyIdentifier) {
          const keyId = readDer(value);
          if (keyId.tag === TAG.OCTET_STRING)
            ids.subjectKeyId = keyId.content.toString('hex');
        } else if (oid === OID.authorityKeyIdentifier) {
          const keyId = derChildren(readDer(value)).find(n => n.tag === 0x80);
          if (keyId) ids.authorityKeyId = keyId.content.toString('hex');
        }
      }
    }
  } catch {
    // Unreadable extensions: leave the identifiers empty.
  }
  cache.set(cert, ids);
  return ids;
}
