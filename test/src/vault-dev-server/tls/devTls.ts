import {
  buildCertificate,
  EXT_KEY_USAGE_OIDS,
  encodeName,
  subjectKeyId,
} from '../pki/x509/certificate';
import { toPem } from '../pki/x509/der';
import { generateKey, privateKeyPem } from '../pki/x509/keys';
import { randomSerial } from '../pki/serial';

/** PEMs for serving the dev server over HTTPS (separate from the PKI mounts' CAs). */
export interface DevTlsMaterial {
  /** The CA that signed the server and client certificates; give it to clients as their trust. */
  caPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  /** A client certificate the server accepts when client certificates are required. */
  clientCertPem: string;
  clientKeyPem: string;
}

const DAY = 86_400_000;

/** Makes a throwaway CA plus server (localhost, 127.0.0.1, ::1) and client certificates. */
export async function createDevTls(): Promise<DevTlsMaterial> {
  const now = Date.now();
  const ca = await generateKey('ec', 256);
  const caName = encodeName({ common_name: ['Vault Dev Server TLS CA'] });
  const caKeyId = subjectKeyId(ca.publicKey);
  const caDer = buildCertificate({
    serial: randomSerial(),
    subject: caName,
    issuer: caName,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 30 * DAY),
    publicKey: ca.publicKey,
    signingKey: ca.privateKey,
    authorityKeyId: caKeyId,
    ca: { maxPathLength: 0 },
    keyUsage: ['CertSign', 'CRLSign'],
  });
  const leaf = async (
    cn: string,
    eku: string,
    altNames?: { dns: string[]; ips: string[] },
  ) => {
    const key = await generateKey('ec', 256);
    const der = buildCertificate({
      serial: randomSerial(),
      subject: encodeName({ common_name: [cn] }),
      issuer: caName,
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + 30 * DAY),
      publicKey: key.publicKey,
      signingKey: ca.privateKey,
      authorityKeyId: caKeyId,
      keyUsage: ['DigitalSignature'],
      extKeyUsageOids: [eku],
      altNames,
    });
    return {
      cert: toPem(der, 'CERTIFICATE'),
      key: privateKeyPem(key.privateKey, 'pkcs8'),
    };
  };
  const server = await leaf('localhost', EXT_KEY_USAGE_OIDS.serverauth, {
    dns: ['localhost'],
    ips: ['127.0.0.1', '::1'],
  });
  const client = await leaf('vault-dev-client', EXT_KEY_USAGE_OIDS.clientauth);
  return {
    caPem: toPem(caDer, 'CERTIFICATE'),
    serverCertPem: server.cert,
    serverKeyPem: server.key,
    clientCertPem: client.cert,
    clientKeyPem: client.key,
  };
}
