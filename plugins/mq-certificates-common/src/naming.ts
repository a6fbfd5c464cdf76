import { InputError } from '@backstage/errors';

/**
 * Characters MQ allows in queue manager and channel names
 * (`A–Z a–z 0–9 . / _ %`); see shared/reference/ibm-mq.md §7.
 */
const MQ_NAME_PATTERN = /^[A-Za-z0-9._/%]+$/;

function describeBadCharacters(value: string): string {
  const bad = Array.from(new Set(value.replace(/[A-Za-z0-9._/%]/g, '')));
  return bad.map(c => (c === ' ' ? 'space' : JSON.stringify(c))).join(', ');
}

function validateMqName(
  value: unknown,
  kind: string,
  maxLength: number,
  field: string,
): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InputError(
      `${field}: a ${kind} name is required (1–${maxLength} characters of A–Z a–z 0–9 . / _ %)`,
    );
  }
  if (value.length > maxLength) {
    throw new InputError(
      `${field}: ${kind} name '${value}' has ${value.length} characters; MQ allows at most ${maxLength}`,
    );
  }
  if (!MQ_NAME_PATTERN.test(value)) {
    throw new InputError(
      `${field}: ${kind} name '${value}' contains ${describeBadCharacters(
        value,
      )}; MQ allows only A–Z a–z 0–9 . / _ %`,
    );
  }
  return value;
}

/**
 * Validates an MQ queue manager name: 1–48 characters of `A–Z a–z 0–9 . / _ %`.
 * Throws an InputError naming the field and the rule.
 *
 * @public
 */
export function validateQueueManagerName(
  name: unknown,
  field = 'queue manager',
): string {
  return validateMqName(name, 'queue manager', 48, field);
}

/**
 * Validates an MQ channel name: 1–20 characters of `A–Z a–z 0–9 . / _ %`.
 *
 * @public
 */
export function validateChannelName(name: unknown, field = 'channel'): string {
  return validateMqName(name, 'channel', 20, field);
}

/**
 * Certificate labels are case-sensitive and up to 64 characters on
 * distributed MQ. We accept a conservative set (letters, digits, space,
 * `. _ - @`) so a label can never break out of an MQSC string, a runmqakm
 * argument or our annotation syntax; it must start with a letter or digit and
 * not end with a space.
 */
const LABEL_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9 ._@-]{0,62}[A-Za-z0-9._@-])?$/;

/**
 * Validates a certificate label (CERTLABL) against the conservative rule
 * above and returns it; throws an InputError naming `field` otherwise.
 *
 * @public
 */
export function validateCertificateLabel(
  label: unknown,
  field = 'certificate label',
): string {
  if (typeof label !== 'string' || !LABEL_PATTERN.test(label)) {
    throw new InputError(
      `${field}: '${String(
        label,
      )}' is not a usable certificate label; use 1–64 characters of letters, digits, space, '.', '_', '-' or '@', starting with a letter or digit (MQ labels are case-sensitive)`,
    );
  }
  return label;
}

/**
 * The label MQ looks for when CERTLABL is blank: `ibmwebspheremq` followed by
 * the queue manager name in lower case (QM1 → `ibmwebspheremqqm1`).
 *
 * @public
 */
export function defaultCertificateLabel(qmName: string): string {
  validateQueueManagerName(qmName);
  return `ibmwebspheremq${qmName.toLowerCase()}`;
}

/**
 * The SNI host name an MQ client sends to select a channel's certificate:
 * upper-case letters become lower case, digits stay, every other character
 * (lower-case letters too) becomes its two-digit hex ASCII code followed by
 * `-`, then `.chl.mq.ibm.com` is appended (`TO.QMGR1` →
 * `to2e-qmgr1.chl.mq.ibm.com`). See shared/reference/ibm-mq.md §4.
 *
 * @public
 */
export function mqChannelSniHostname(channel: string): string {
  validateChannelName(channel);
  let encoded = '';
  for (const ch of channel) {
    if (ch >= 'A' && ch <= 'Z') encoded += ch.toLowerCase();
    else if (ch >= '0' && ch <= '9') encoded += ch;
    else encoded += `${ch.charCodeAt(0).toString(16).padStart(2, '0')}-`;
  }
  return `${encoded}.chl.mq.ibm.com`;
}

/**
 * Quotes a value as an MQSC string literal: wrapped in single quotes with
 * embedded single quotes doubled. Control characters are rejected: C0
 * (U+0000–U+001F, including newlines, which would end the MQSC command), DEL
 * and C1 (U+0080–U+009F: NEL, U+0085, is a line break to some readers and
 * EBCDIC's newline).
 *
 * @public
 */
export function quoteMqscString(value: string, field = 'value'): string {
  if (typeof value !== 'string') {
    throw new InputError(`${field}: expected a string for an MQSC value`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(value)) {
    throw new InputError(
      `${field}: control characters (such as newlines or tabs) cannot appear in an MQSC string`,
    );
  }
  return `'${value.replace(/'/g, "''")}'`;
}
