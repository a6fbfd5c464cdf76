/**
 * Replaces every occurrence of each secret value with `***`. Used on anything
 * a runner may put into an error message (stderr, stdout, argument lists).
 */
export function redactSecrets(
  text: string,
  secretValues: string[] = [],
): string {
  let out = text;
  for (const secret of secretValues) {
    if (secret) out = out.split(secret).join('***');
  }
  return out;
}
