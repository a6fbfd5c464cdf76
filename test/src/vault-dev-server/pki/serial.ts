import crypto from 'node:crypto';

/**
 * A serial like Vault's certutil.GenerateSerialNumber: rand.Int below 2^159,
 * as big.Int.Bytes() gives it (no leading zero bytes, so usually 20 bytes).
 */
export function randomSerial(): Buffer {
  const bytes = crypto.randomBytes(20);
  bytes[0] &= 0x7f;
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return bytes.subarray(start);
}

/** certutil.GetHexFormatted(bytes, ":"): lower-case, two digits a byte. */
export function formatSerial(bytes: Buffer): string {
  return [...bytes].map(b => b.toString(16).padStart(2, '0')).join(':');
}

/** Node's X509Certificate.serialNumber (upper-case hex) to Vault's form. */
export function serialFromHex(hex: string): string {
  const clean = hex.length % 2 ? `0${hex}` : hex;
  return formatSerial(Buffer.from(clean, 'hex'));
}

/**
 * The storage key Vault looks a serial up by: lower-case, `-` separated.
 * Colon and hyphen forms in any case meet here; bare hex does not (as in Vault).
 */
export function serialKey(serial: string): string {
  return serial.trim().toLowerCase().replace(/:/g, '-');
}

export function serialFromKey(key: string): string {
  return key.replace(/-/g, ':');
}
