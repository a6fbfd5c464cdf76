import crypto from 'node:crypto';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const b of crypto.randomBytes(length * 2)) {
      // 248 = 4 * 62: rejecting larger bytes keeps the draw unbiased.
      if (b < 248 && out.length < length) out += BASE62[b % 62];
    }
  }
  return out;
}

export const uuid = () => crypto.randomUUID();

/** Service tokens carry Vault's `hvs.` prefix (Vault 1.10+). */
export const newTokenId = () => `hvs.${randomBase62(24)}`;

export const newAccessor = () => randomBase62(24);
