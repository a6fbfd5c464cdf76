/*
 * A minimal DER reader and writer: enough for X.509 extensions and PKCS#12.
 * Own code instead of node-forge's asn1 because forge converts to binary
 * strings and back, which dominated the PKCS#12 build time (see
 * test/bench/keystore.bench.ts); Buffers all the way keep it cheap.
 * Only low tag numbers (< 31) occur in these formats, so only those are read.
 */

/** Universal and context tags used by the formats we read and write. */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** One decoded TLV; `content` is a view into the original buffer. */
export interface DerNode {
  tag: number;
  content: Buffer;
  /** The whole TLV (header and content), a view into the original buffer. */
  raw: Buffer;
}

/** Thrown for bytes that are not well-formed DER; callers add what they were reading. */
export class DerError extends Error {}

/** Reads the TLV at `offset`. */
export function readDer(buf: Buffer, offset = 0): DerNode {
  if (offset + 2 > buf.length) throw new DerError('truncated DER header');
  const tag = buf[offset];
  if ((tag & 0x1f) === 0x1f)
    throw new DerError('high tag numbers are not supported');
  let length = buf[offset + 1];
  let header = 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 4) throw new DerError('unsupported DER length');
    if (offset + 2 + n > buf.length) throw new DerError('truncated DER length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[offset + 2 + i];
    header += n;
  }
  const end = offset + header + length;
  if (end > buf.length)
    throw new DerError('DER value runs past the end of the data');
  return {
    tag,
    content: buf.subarray(offset + header, end),
    raw: buf.subarray(offset, end),
  };
}

/** Reads one TLV that must fill `buf` exactly. */
export function readDerExact(buf: Buffer): DerNode {
  const node = readDer(buf, 0);
  if (node.raw.length !== buf.length)
    throw new DerError('trailing bytes after DER value');
  return node;
}

/** The TLVs inside a constructed node. */
export function derChildren(node: DerNode): DerNode[] {
  const out: DerNode[] = [];
  let offset = 0;
  while (offset < node.content.length) {
    const child = readDer(node.content, offset);
    out.push(child);
    offset += child.raw.length;
  }
  return out;
}

/** Reads a node and checks its tag. */
export function expectTag(
  node: DerNode | undefined,
  tag: number,
  what: string,
): DerNode {
  if (!node || node.tag !== tag) {
    throw new DerError(
      `expected ${what} (tag 0x${tag.toString(16)}), found ${
        node ? `tag 0x${node.tag.toString(16)}` : 'nothing'
      }`,
    );
  }
  return node;
}

/** Decodes an OBJECT IDENTIFIER's content to dotted form. */
export function decodeOid(content: Buffer): string {
  if (content.length === 0) throw new DerError('empty OID');
  const first = content[0];
  const parts: number[] = [Math.min(2, Math.floor(first / 40)), 0];
  parts[1] = first - parts[0] * 40;
  let value = 0;
  for (let i = 1; i < content.length; i++) {
    value = value * 128 + (content[i] & 0x7f);
    if (!(content[i] & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

/** Decodes a non-negative INTEGER content to a number (small values only). */
export function decodeSmallInteger(content: Buffer): number {
  if (content.length === 0 || content.length > 6 || content[0] & 0x80) {
    throw new DerError('integer out of range');
  }
  return content.readUIntBE(0, content.length);
}

/** Decodes a BMPString (UTF-16BE). */
export function decodeBmpString(content: Buffer): string {
  const swapped = Buffer.from(content);
  if (swapped.length % 2) throw new DerError('odd-length BMPString');
  swapped.swap16();
  return swapped.toString('utf16le');
}

// ---------------------------------------------------------------- writer

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let l = length; l > 0; l = Math.floor(l / 256)) bytes.unshift(l & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Encodes one TLV. */
export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from([tag]),
    encodeLength(content.length),
    content,
  ]);
}

function encodeOid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const bytes = [parts[0] * 40 + parts[1]];
  for (const part of parts.slice(2)) {
    const chunk = [part & 0x7f];
    for (let v = Math.floor(part / 128); v > 0; v = Math.floor(v / 128)) {
      chunk.unshift((v & 0x7f) | 0x80);
    }
    bytes.push(...chunk);
  }
  return Buffer.from(bytes);
}

function encodeUnsigned(value: Buffer | number): Buffer {
  let bytes: Buffer;
  if (typeof value === 'number') {
    const hex = value.toString(16);
    bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  } else {
    let start = 0;
    while (start < value.length - 1 && value[start] === 0) start++;
    bytes = value.subarray(start);
  }
  // A set high bit would read as negative: prefix the sign byte.
  return bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}

function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  // RFC 5280: UTCTime through 2049, GeneralizedTime from 2050.
  return date.getUTCFullYear() < 2050
    ? tlv(TAG.UTC_TIME, Buffer.from(`${iso.slice(2)}Z`, 'ascii'))
    : tlv(TAG.GENERALIZED_TIME, Buffer.from(`${iso}Z`, 'ascii'));
}

/** Builders for DER values; each returns a complete TLV. */
export const der = {
  seq: (...items: Buffer[]) => tlv(TAG.SEQUENCE, Buffer.concat(items)),
  /** SET OF, sorted as DER requires. */
  set: (...items: Buffer[]) =>
    tlv(TAG.SET, Buffer.concat([...items].sort(Buffer.compare))),
  /** A non-negative INTEGER from a number or big-endian magnitude bytes. */
  uint: (value: Buffer | number) => tlv(TAG.INTEGER, encodeUnsigned(value)),
  /** An INTEGER from its exact content bytes (serial numbers kept as given). */
  integerContent: (content: Buffer) => tlv(TAG.INTEGER, content),
  bool: (value: boolean) => tlv(TAG.BOOLEAN, Buffer.from([value ? 0xff : 0])),
  oid: (dotted: string) => tlv(TAG.OID, encodeOid(dotted)),
  null: () => Buffer.from([TAG.NULL, 0]),
  octets: (content: Buffer) => tlv(TAG.OCTET_STRING, content),
  bits: (content: Buffer) =>
    tlv(TAG.BIT_STRING, Buffer.concat([Buffer.from([0]), content])),
  utf8: (text: string) => tlv(TAG.UTF8_STRING, Buffer.from(text, 'utf8')),
  printable: (text: string) =>
    tlv(TAG.PRINTABLE_STRING, Buffer.from(text, 'ascii')),
  ia5: (text: string) => tlv(TAG.IA5_STRING, Buffer.from(text, 'ascii')),
  bmp: (text: string) =>
    tlv(TAG.BMP_STRING, Buffer.from(text, 'utf16le').swap16()),
  time,
  /** `[n] EXPLICIT` wrapper. */
  explicit: (n: number, inner: Buffer) => tlv(0xa0 | n, inner),
  /** `[n] IMPLICIT` primitive value. */
  implicitPrimitive: (n: number, content: Buffer) => tlv(0x80 | n, content),
  /** `AlgorithmIdentifier` with optional parameters (omitted when undefined). */
  algorithm: (oid: string, params?: Buffer) =>
    tlv(
      TAG.SEQUENCE,
      Buffer.concat([encodeOidTlv(oid), params ?? Buffer.alloc(0)]),
    ),
};

function encodeOidTlv(oid: string): Buffer {
  return tlv(TAG.OID, encodeOid(oid));
}
