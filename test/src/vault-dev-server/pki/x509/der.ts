import forge from 'node-forge';

/**
 * Thin helpers over node-forge's ASN.1 codec. forge works on "binary strings"
 * (one char per byte); everything here takes and returns Buffers so the rest
 * of the server can hand DER straight to node:crypto.
 */
const { asn1 } = forge;
export type Asn1 = forge.asn1.Asn1;

const U = asn1.Class.UNIVERSAL;

export function toBinary(buf: Buffer): string {
  return buf.toString('latin1');
}

export function fromBinary(bytes: string): Buffer {
  return Buffer.from(bytes, 'latin1');
}

export function encode(node: Asn1): Buffer {
  return fromBinary(asn1.toDer(node).getBytes());
}

/** Parses DER without decoding BIT STRING contents, so key bytes stay raw. */
export function decode(der: Buffer): Asn1 {
  const fromDer = asn1.fromDer as unknown as (
    bytes: string,
    options: { strict: boolean; decodeBitStrings: boolean },
  ) => Asn1;
  return fromDer(toBinary(der), { strict: true, decodeBitStrings: false });
}

export function children(node: Asn1): Asn1[] {
  if (!Array.isArray(node.value)) {
    throw new Error('expected a constructed ASN.1 value');
  }
  return node.value;
}

export function bytesOf(node: Asn1): Buffer {
  if (typeof node.value !== 'string') {
    throw new Error('expected a primitive ASN.1 value');
  }
  return fromBinary(node.value);
}

export const seq = (items: Asn1[]): Asn1 =>
  asn1.create(U, asn1.Type.SEQUENCE, true, items);

export const set = (items: Asn1[]): Asn1 =>
  asn1.create(U, asn1.Type.SET, true, items);

export const oid = (dotted: string): Asn1 =>
  asn1.create(U, asn1.Type.OID, false, asn1.oidToDer(dotted).getBytes());

export const oidOf = (node: Asn1): string =>
  asn1.derToOid(node.value as string);

export const nul = (): Asn1 => asn1.create(U, asn1.Type.NULL, false, '');

export const bool = (value: boolean): Asn1 =>
  asn1.create(U, asn1.Type.BOOLEAN, false, value ? '\xff' : '\x00');

/** A non-negative INTEGER from big-endian magnitude bytes (adds the DER sign byte when needed). */
export function uint(magnitude: Buffer): Asn1 {
  let bytes = magnitude;
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  bytes = bytes.subarray(start);
  if (bytes.length === 0) bytes = Buffer.from([0]);
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return asn1.create(U, asn1.Type.INTEGER, false, toBinary(bytes));
}

export const smallInt = (n: number): Asn1 =>
  asn1.create(U, asn1.Type.INTEGER, false, asn1.integerToDer(n).getBytes());

export const octets = (buf: Buffer): Asn1 =>
  asn1.create(U, asn1.Type.OCTETSTRING, false, toBinary(buf));

/** BIT STRING; `unused` counts the padding bits at the end of the last byte. */
export const bits = (buf: Buffer, unused = 0): Asn1 =>
  asn1.create(
    U,
    asn1.Type.BITSTRING,
    false,
    toBinary(Buffer.concat([Buffer.from([unused]), buf])),
  );

/** Go's encoding/asn1 picks PrintableString when it can, UTF8String otherwise. */
export function directoryString(s: string): Asn1 {
  if (/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(s)) {
    return asn1.create(U, asn1.Type.PRINTABLESTRING, false, s);
  }
  return asn1.create(U, asn1.Type.UTF8, false, forge.util.encodeUtf8(s));
}

/** RFC 5280: UTCTime through 2049, GeneralizedTime from 2050. */
export function time(date: Date): Asn1 {
  const whole = new Date(Math.floor(date.getTime() / 1000) * 1000);
  if (whole.getUTCFullYear() < 2050) {
    return asn1.create(U, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(whole));
  }
  return asn1.create(
    U,
    asn1.Type.GENERALIZEDTIME,
    false,
    asn1.dateToGeneralizedTime(whole),
  );
}

/** [n] EXPLICIT wrapper. */
export const explicit = (tag: number, inner: Asn1): Asn1 =>
  asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, true, [inner]);

/** [n] IMPLICIT primitive value. */
export const implicit = (tag: number, raw: Buffer | string): Asn1 =>
  asn1.create(
    asn1.Class.CONTEXT_SPECIFIC,
    tag,
    false,
    typeof raw === 'string' ? raw : toBinary(raw),
  );

export function isContext(node: Asn1, tag: number): boolean {
  return node.tagClass === asn1.Class.CONTEXT_SPECIFIC && node.type === tag;
}

/** Decodes a UTF8/Printable/IA5/BMP string node to a JS string. */
export function stringOf(node: Asn1): string {
  const raw = node.value as string;
  if (node.type === asn1.Type.UTF8) return forge.util.decodeUtf8(raw);
  if (node.type === asn1.Type.BMPSTRING) {
    return fromBinary(raw).swap16().toString('utf16le');
  }
  return raw;
}

/** Converts a PEM block (or several) to DER buffers of the given label. */
export function pemBlocks(pem: string, label?: string): Buffer[] {
  const out: Buffer[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(pem); m; m = re.exec(pem)) {
    if (label && m[1] !== label) continue;
    out.push(Buffer.from(m[2].replace(/\s+/g, ''), 'base64'));
  }
  return out;
}

/** PEM with 64-column base64 and no trailing newline (Vault trims its PEM). */
export function toPem(der: Buffer, label: string): string {
  const b64 = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${b64.join('\n')}\n-----END ${label}-----`;
}
