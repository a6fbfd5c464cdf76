import { InputError } from '@backstage/errors';

/**
 * Canonical certificate serial form used everywhere in this project:
 * lower-case hex, two digits per byte, `:`-separated, no leading zero bytes
 * (Vault's `serial_number` form). Accepts colon, hyphen, space-separated or
 * bare hex, in any case, with or without a DER sign byte (`00`).
 *
 * @public
 */
export function normalizeSerialNumber(
  serial: string,
  field = 'serial',
): string {
  if (typeof serial !== 'string') {
    throw new InputError(`${field}: expected a hex serial number`);
  }
  const trimmed = serial.trim();
  const bare = trimmed
    .replace(/^0x/i, '')
    .replace(/[:\- ]/g, '')
    .toLowerCase();
  if (!bare || !/^[0-9a-f]+$/.test(bare)) {
    throw new InputError(
      `${field}: '${serial}' is not a hex serial number (for example 1f:0a:9c or 1F0A9C)`,
    );
  }
  if (/[:\- ]/.test(trimmed)) {
    // Separated input: every group must be one byte (1 or 2 digits).
    const groups = trimmed.replace(/^0x/i, '').split(/[:\- ]/);
    if (groups.some(g => g.length === 0 || g.length > 2)) {
      throw new InputError(
        `${field}: '${serial}' has groups that are not single bytes; write it as colon-separated byte pairs`,
      );
    }
    const padded = groups.map(g => g.padStart(2, '0')).join('');
    return formatBytes(padded.toLowerCase());
  }
  return formatBytes(bare.length % 2 ? `0${bare}` : bare);
}

function formatBytes(hex: string): string {
  let h = hex;
  while (h.length > 2 && h.startsWith('00')) h = h.slice(2);
  return h.match(/../g)!.join(':');
}

/** Whether two serials denote the same number, whatever their form. @public */
export function serialNumbersEqual(a: string, b: string): boolean {
  try {
    return normalizeSerialNumber(a) === normalizeSerialNumber(b);
  } catch {
    return false;
  }
}
