import { randomInt } from 'node:crypto';
import { InputError } from '@backstage/errors';

/*
 * Keystore passwords. runmqakm -strong (IBM MQ 9.4 "create_key_repo"):
 * at least 14 characters; at least one lower-case letter, one upper-case
 * letter and one digit or special character; no character more than 3
 * times; at most 2 identical characters in a row; printable ASCII
 * 0x20-0x7E. PKCS#12 encodes passwords as BMPString and PBES2 as bytes, so
 * only ASCII gives the same key in every reader.
 */

const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
/** Specials that survive shells, MQSC quoting, ini files and URLs unescaped. */
const SPECIALS = '-_.@%+=:,^~';
const ALL = LOWER + UPPER + DIGITS + SPECIALS;

/** The rules of `runmqakm -strong` that a password breaks (empty when none). */
export function strongPasswordProblems(password: string): string[] {
  const problems: string[] = [];
  if (password.length < 14) problems.push('has fewer than 14 characters');
  if (!/[a-z]/.test(password)) problems.push('has no lower-case letter');
  if (!/[A-Z]/.test(password)) problems.push('has no upper-case letter');
  if (!/[^A-Za-z]/.test(password))
    problems.push('has no digit or special character');
  const counts = new Map<string, number>();
  for (const ch of password) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  if ([...counts.values()].some(n => n > 3))
    problems.push('uses a character more than 3 times');
  if (/(.)\1\1/s.test(password))
    problems.push('has 3 identical characters in a row');
  if (/[^\x20-\x7e]/.test(password))
    problems.push('has characters outside printable ASCII');
  return problems;
}

/**
 * A random keystore password meeting the runmqakm -strong rules, from
 * letters, digits and specials that need no quoting anywhere (no quotes,
 * spaces, backslashes or shell metacharacters). 24 characters by default.
 */
export function generateKeystorePassword(length = 24): string {
  if (!Number.isInteger(length) || length < 14 || length > 128) {
    throw new InputError('password length: use 14 to 128 characters');
  }
  for (let attempt = 0; attempt < 100; attempt++) {
    const chars = [
      LOWER[randomInt(LOWER.length)],
      UPPER[randomInt(UPPER.length)],
      DIGITS[randomInt(DIGITS.length)],
      SPECIALS[randomInt(SPECIALS.length)],
    ];
    while (chars.length < length) chars.push(ALL[randomInt(ALL.length)]);
    for (let i = chars.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [chars[i], chars[j]] = [chars[j], chars[i]];
    }
    const password = chars.join('');
    if (strongPasswordProblems(password).length === 0) return password;
  }
  // 100 rejections in a row has a probability far below 1e-100.
  throw new Error('could not generate a keystore password; try again');
}

/**
 * Checks a user-supplied keystore password: not empty, printable ASCII only
 * (0x20-0x7E). With `strong`, also the runmqakm -strong rules. The error
 * names the field and the rule, never the password.
 */
export function validateKeystorePassword(
  password: unknown,
  options: { field?: string; strong?: boolean } = {},
): string {
  const field = options.field ?? 'keystore password';
  if (typeof password !== 'string' || password.length === 0) {
    throw new InputError(
      `${field}: empty; give a password or let one be generated`,
    );
  }
  if (/[^\x20-\x7e]/.test(password)) {
    throw new InputError(
      `${field}: contains characters outside printable ASCII (letters, digits, space and !"#$%&'()*+,-./:;<=>?@[\\]^_\`{|}~); GSKit, Java and OpenSSL derive different keys from other characters`,
    );
  }
  if (options.strong) {
    const problems = strongPasswordProblems(password);
    if (problems.length) {
      throw new InputError(
        `${field}: does not meet runmqakm -strong rules: it ${problems.join(
          ', ',
        )}`,
      );
    }
  }
  return password;
}
