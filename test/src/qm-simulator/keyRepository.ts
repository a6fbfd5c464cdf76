/*
 * The simulator's reader of key repositories: PKCS#12 read with node-forge
 * (friendlyName = MQ certificate label), each personal certificate turned
 * into a node TLS secure context with its chain. It does not share code with
 * the product's keystore builder, so each checks the other.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import forge from 'node-forge';

/** One label's personal certificate as loaded. */
export interface LoadedLabel {
  label: string;
  leaf: X509Certificate;
  /** Issuers found in the repository, leaf's issuer first. */
  chain: X509Certificate[];
  context: tls.SecureContext;
}

/** A key repository as a queue manager process holds it in memory. */
export interface LoadedRepository {
  file: string;
  labels: Map<string, LoadedLabel>;
  /** CA certificates (no key). */
  caCertificates: X509Certificate[];
}

/** Why a repository could not be read, in words fit for an MQ error log. */
export class RepositoryUnreadableError extends Error {}

/**
 * The file MQ opens for an SSLKEYR value: a path with a `.p12`, `.pkcs12` or
 * `.kdb` suffix as given; a stem without one means `<stem>.kdb`
 * (shared/reference/ibm-mq.md §2).
 */
export function repositoryFileFor(sslkeyr: string): string {
  return /\.(p12|pkcs12|kdb)$/i.test(sslkeyr) ? sslkeyr : `${sslkeyr}.kdb`;
}

/** The stash file beside a repository: same stem, `.sth`. */
export function stashFileFor(repositoryFile: string): string {
  return `${repositoryFile.replace(/\.(p12|pkcs12|kdb)$/i, '')}.sth`;
}

/** Decodes a GSKit stash (bytes XOR 0xF5 up to the terminator). */
export function decodeStash(content: Buffer): string {
  const bytes: number[] = [];
  for (const b of content) {
    const d = b ^ 0xf5;
    if (d === 0) break;
    bytes.push(d);
  }
  return Buffer.from(bytes).toString('utf8');
}

type Bag = forge.pkcs12.Bag & { asn1?: forge.asn1.Asn1 };

function bagCertificate(bag: Bag): X509Certificate {
  const asn = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1!;
  return new X509Certificate(
    Buffer.from(forge.asn1.toDer(asn).getBytes(), 'binary'),
  );
}

function bagKey(bag: Bag): KeyObject {
  const info = bag.key
    ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key))
    : bag.asn1!;
  return createPrivateKey({
    key: Buffer.from(forge.asn1.toDer(info).getBytes(), 'binary'),
    format: 'der',
    type: 'pkcs8',
  });
}

function attribute(
  bag: Bag,
  name: 'friendlyName' | 'localKeyId',
): string | undefined {
  const v = bag.attributes?.[name]?.[0];
  return typeof v === 'string' ? v : undefined;
}

/** Reads the password MQ would use: the given one, else the stash beside the file. */
export function resolveRepositoryPassword(
  repositoryFile: string,
  password: string | undefined,
): string {
  if (password) return password;
  const stash = stashFileFor(repositoryFile);
  try {
    return decodeStash(fs.readFileSync(stash));
  } catch {
    throw new RepositoryUnreadableError(
      `no password for key repository ${repositoryFile}: KEYRPWD is not set and the stash file ${path.basename(
        stash,
      )} cannot be read`,
    );
  }
}

/** The issuers of `leaf` among `certs`, leaf's issuer first, up to a self-signed one. */
function issuerChain(
  leaf: X509Certificate,
  certs: X509Certificate[],
): X509Certificate[] {
  const chain: X509Certificate[] = [];
  let current = leaf;
  while (!current.checkIssued(current) && chain.length < certs.length) {
    const child = current;
    const issuer = certs.find(
      c => c !== child && !chain.includes(c) && child.checkIssued(c),
    );
    if (!issuer) break;
    chain.push(issuer);
    current = issuer;
  }
  return chain;
}

/** Opens a PKCS#12 key repository; throws RepositoryUnreadableError. */
export function loadKeyRepository(
  repositoryFile: string,
  password: string,
): LoadedRepository {
  let content: Buffer;
  try {
    content = fs.readFileSync(repositoryFile);
  } catch (e) {
    throw new RepositoryUnreadableError(
      `key repository ${repositoryFile} cannot be opened (${
        (e as NodeJS.ErrnoException).code
      })`,
    );
  }
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(
      forge.asn1.fromDer(content.toString('binary')),
      password,
    );
  } catch (e) {
    throw new RepositoryUnreadableError(
      `key repository ${repositoryFile} is not a PKCS#12 file this queue manager can open with its password (${
        (e as Error).message
      })`,
    );
  }
  const certBags = (p12.getBags({ bagType: forge.pki.oids.certBag })[
    forge.pki.oids.certBag
  ] ?? []) as Bag[];
  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[
      forge.pki.oids.pkcs8ShroudedKeyBag
    ] ?? []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag })[
      forge.pki.oids.keyBag
    ] ?? []),
  ] as Bag[];
  const certs = certBags.map(b => ({ bag: b, cert: bagCertificate(b) }));
  const labels = new Map<string, LoadedLabel>();
  const personal = new Set<X509Certificate>();
  for (const keyBag of keyBags) {
    const key = bagKey(keyBag);
    const keyId = attribute(keyBag, 'localKeyId');
    const match =
      certs.find(
        c => keyId !== undefined && attribute(c.bag, 'localKeyId') === keyId,
      ) ?? certs.find(c => c.cert.checkPrivateKey(key));
    if (!match) continue;
    const label =
      attribute(keyBag, 'friendlyName') ?? attribute(match.bag, 'friendlyName');
    if (!label) continue; // GSKit would invent a label; tests always give one
    personal.add(match.cert);
    const chain = issuerChain(
      match.cert,
      certs.map(c => c.cert),
    );
    const context = tls.createSecureContext({
      key: key.export({ type: 'pkcs8', format: 'pem' }) as string,
      cert: [match.cert, ...chain].map(c => c.toString()).join('\n'),
    });
    labels.set(label, { label, leaf: match.cert, chain, context });
  }
  return {
    file: repositoryFile,
    labels,
    caCertificates: certs.map(c => c.cert).filter(c => !personal.has(c)),
  };
}
