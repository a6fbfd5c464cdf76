import { createHash, X509Certificate } from 'node:crypto';
import { der } from '../../certificates/der';
import { OID } from '../../certificates/oids';
import { caCertificateLabel } from '../labels';
import type { PreparedEntry } from '../prepareEntries';
import { createMacData } from './mac';
import { encrypt } from './pbe';
import type { Pkcs12Profile } from './profiles';

function attributes(friendlyName: string, localKeyId?: Buffer): Buffer {
  const attrs = [
    der.seq(der.oid(OID.friendlyName), der.set(der.bmp(friendlyName))),
  ];
  if (localKeyId)
    attrs.push(
      der.seq(der.oid(OID.localKeyId), der.set(der.octets(localKeyId))),
    );
  return der.set(...attrs);
}

function certBag(
  cert: X509Certificate,
  friendlyName: string,
  localKeyId?: Buffer,
): Buffer {
  return der.seq(
    der.oid(OID.certBag),
    der.explicit(
      0,
      der.seq(
        der.oid(OID.x509Certificate),
        der.explicit(0, der.octets(cert.raw)),
      ),
    ),
    attributes(friendlyName, localKeyId),
  );
}

function dataContentInfo(content: Buffer): Buffer {
  return der.seq(der.oid(OID.data), der.explicit(0, der.octets(content)));
}

function encryptedContentInfo(
  profile: Pkcs12Profile,
  content: Buffer,
  password: string,
): Buffer {
  const { algorithm, ciphertext } = encrypt(
    profile.certificateEncryption,
    content,
    password,
    profile.iterations,
    profile.saltLength,
  );
  return der.seq(
    der.oid(OID.encryptedData),
    der.explicit(
      0,
      der.seq(
        der.uint(0),
        der.seq(
          der.oid(OID.data),
          algorithm,
          der.implicitPrimitive(0, ciphertext),
        ),
      ),
    ),
  );
}

/**
 * Writes a PKCS#12 file (RFC 7292) for one or more personal entries. Per
 * entry, in this order: the leaf (friendlyName = the MQ label, localKeyId =
 * SHA-1 of the certificate, as OpenSSL writes it), then its issuers, each CA
 * once per file with its own friendlyName. Certificates go into one
 * encrypted safe, keys into shrouded key bags built from PKCS#8 (any key
 * type node:crypto reads: RSA, EC P-256/P-384, Ed25519), then an integrity
 * MAC, all as the profile says. Returns the file and the CA labels used.
 */
export function writePkcs12(
  entries: PreparedEntry[],
  password: string,
  profile: Pkcs12Profile,
): { content: Buffer; caLabels: string[] } {
  const taken = new Set(entries.map(e => e.label));
  const cas = new Map<string, string>(); // fingerprint → label
  const certBags: Buffer[] = [];
  const keyBags: Buffer[] = [];
  for (const entry of entries) {
    const localKeyId = createHash('sha1').update(entry.leaf.raw).digest();
    certBags.push(certBag(entry.leaf, entry.label, localKeyId));
    for (const ca of entry.chain) {
      const id = createHash('sha256').update(ca.raw).digest('hex');
      if (cas.has(id)) continue;
      const label = caCertificateLabel(ca, taken);
      cas.set(id, label);
      certBags.push(certBag(ca, label));
    }
    const pkcs8 = entry.key.export({ type: 'pkcs8', format: 'der' });
    const shrouded = encrypt(
      profile.keyEncryption,
      pkcs8,
      password,
      profile.iterations,
      profile.saltLength,
    );
    keyBags.push(
      der.seq(
        der.oid(OID.pkcs8ShroudedKeyBag),
        der.explicit(
          0,
          der.seq(shrouded.algorithm, der.octets(shrouded.ciphertext)),
        ),
        attributes(entry.label, localKeyId),
      ),
    );
  }
  const authSafe = der.seq(
    encryptedContentInfo(profile, der.seq(...certBags), password),
    dataContentInfo(der.seq(...keyBags)),
  );
  const pfx = der.seq(
    der.uint(3),
    dataContentInfo(authSafe),
    createMacData(
      profile.macDigest,
      password,
      authSafe,
      profile.iterations,
      profile.saltLength,
    ),
  );
  return { content: pfx, caLabels: [...cas.values()] };
}
