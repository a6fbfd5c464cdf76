import { InputError } from '@backstage/errors';
import { DerError, readDerExact } from './der';

/** One PEM block, numbered from 1 in the order it appeared. */
export interface PemBlock {
  /** The label of the BEGIN line, e.g. `CERTIFICATE`, `EC PRIVATE KEY`. */
  type: string;
  der: Buffer;
  /** 1-based position among the blocks of the text. */
  index: number;
  /** 1-based line of the BEGIN line. */
  line: number;
}

const BEGIN = /^-----BEGIN ([A-Z0-9][A-Z0-9 #]*)-----$/;
const END = /^-----END ([A-Z0-9][A-Z0-9 #]*)-----$/;
const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Splits text into PEM blocks by type. Tolerates CRLF or CR line ends,
 * leading and trailing spaces (text pasted from YAML or a terminal) and blank
 * lines anywhere. Anything else outside a block, a block without its END
 * line, non-base64 content or content that is not DER is refused with an
 * error naming the block number, so a broken paste never silently loses a
 * certificate. `field` names the input in errors.
 */
export function parsePem(text: string, field = 'PEM'): PemBlock[] {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new InputError(
      `${field}: empty; paste one or more PEM blocks (-----BEGIN ...-----)`,
    );
  }
  const lines = text.split(/\r\n|\r|\n/);
  const blocks: PemBlock[] = [];
  let current: { type: string; line: number; body: string[] } | undefined;

  const where = () =>
    blocks.length === 0 ? 'before block 1' : `after block ${blocks.length}`;

  lines.forEach((rawLine, i) => {
    const line = rawLine.trim();
    const lineNo = i + 1;
    if (!current) {
      if (line === '') return;
      const begin = BEGIN.exec(line);
      if (!begin) {
        throw new InputError(
          `${field}: line ${lineNo} (${where()}) is not part of a PEM block${quoteIfProse(
            line,
          )}; remove text outside the -----BEGIN/-----END lines`,
        );
      }
      current = { type: begin[1], line: lineNo, body: [] };
      return;
    }
    const blockNo = blocks.length + 1;
    const end = END.exec(line);
    if (end) {
      if (end[1] !== current.type) {
        throw new InputError(
          `${field}: block ${blockNo} (${current.type}) ends with an END line for '${end[1]}' at line ${lineNo}; the block is cut or two blocks are mixed`,
        );
      }
      blocks.push(finishBlock(field, blockNo, current));
      current = undefined;
      return;
    }
    if (line === '') return;
    if (BEGIN.test(line)) {
      throw new InputError(
        `${field}: block ${blockNo} (${current.type}) has no END line before the next BEGIN at line ${lineNo}; the block is cut`,
      );
    }
    if (/^[A-Za-z-]+:/.test(line) && !BASE64_LINE.test(line)) {
      throw new InputError(
        `${field}: block ${blockNo} (${current.type}) has header '${
          line.split(':')[0]
        }' (a legacy encrypted PEM); supply the key unencrypted (openssl pkey -in key.pem -out plain.pem)`,
      );
    }
    if (!BASE64_LINE.test(line)) {
      throw new InputError(
        `${field}: block ${blockNo} (${current.type}), line ${lineNo} is not base64; the block is damaged, copy it again`,
      );
    }
    current.body.push(line);
  });
  if (current) {
    throw new InputError(
      `${field}: block ${blocks.length + 1} (${
        current.type
      }) starting at line ${current.line} has no END line; the text is cut`,
    );
  }
  return blocks;
}

function finishBlock(
  field: string,
  index: number,
  block: { type: string; line: number; body: string[] },
): PemBlock {
  const b64 = block.body.join('');
  const bad = () =>
    new InputError(
      `${field}: block ${index} (${block.type}) is not valid base64-encoded DER; the block is damaged, copy it again`,
    );
  if (b64.length === 0 || b64.length % 4 !== 0 || /=[^=]/.test(b64))
    throw bad();
  const der = Buffer.from(b64, 'base64');
  try {
    readDerExact(der);
  } catch (e) {
    if (e instanceof DerError) throw bad();
    throw e;
  }
  return { type: block.type, der, index, line: block.line };
}

/**
 * Quotes a stray line only when it reads as prose (has a space): a line that
 * looks like base64 may be a fragment of a private key and never goes into
 * an error message.
 */
function quoteIfProse(line: string): string {
  if (!line.includes(' ') || BASE64_LINE.test(line)) return '';
  return `: '${line.length > 40 ? `${line.slice(0, 40)}…` : line}'`;
}

/** Encodes DER as a PEM block with 64-character lines and a final newline. */
export function toPem(type: string, derBytes: Buffer): string {
  const b64 = derBytes.toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${type}-----\n${b64}${
    b64.endsWith('\n') ? '' : '\n'
  }-----END ${type}-----\n`;
}
