/**
 * An HTTP error in Vault's shape: `{"errors":[...]}` (plus `warnings` when a
 * backend attached some). Texts that clients match on live here.
 */
export class VaultHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errors: string[],
    readonly warnings: string[] = [],
  ) {
    super(errors[0] ?? `status ${status}`);
  }
}

/** go-multierror's format, which Vault uses for its permission errors. */
export function multiError(messages: string[]): string {
  const head =
    messages.length === 1
      ? '1 error occurred:'
      : `${messages.length} errors occurred:`;
  return `${head}\n${messages.map(m => `\t* ${m}`).join('\n')}\n\n`;
}

export const PERMISSION_DENIED = multiError(['permission denied']);
export const INVALID_TOKEN = multiError(['permission denied', 'invalid token']);
export const SEALED = 'Vault is sealed';

export const badRequest = (message: string) =>
  new VaultHttpError(400, [message]);
export const forbidden = () => new VaultHttpError(403, [PERMISSION_DENIED]);
export const invalidToken = () => new VaultHttpError(403, [INVALID_TOKEN]);
/** A missing path or an empty LIST: 404 with an empty errors array. */
export const notFound = () => new VaultHttpError(404, []);
export const sealedError = () => new VaultHttpError(503, [SEALED]);
export const unsupportedPath = () =>
  new VaultHttpError(404, [multiError(['unsupported path'])]);
export const unsupportedOperation = () =>
  new VaultHttpError(405, [multiError(['unsupported operation'])]);
export const noHandler = (path: string) =>
  new VaultHttpError(404, [
    `no handler for route "${path}". route entry not found.`,
  ]);
