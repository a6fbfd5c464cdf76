import { notFound } from '../http/vaultError';
import type { LogicalResponse, RawResponse } from './types';

/** A LIST answer; Vault turns an empty key list into 404 {"errors":[]}. */
export function listResponse(
  keys: string[],
  keyInfo?: Record<string, unknown>,
): LogicalResponse {
  if (keys.length === 0) throw notFound();
  return { data: keyInfo ? { keys, key_info: keyInfo } : { keys } };
}

/** A raw body (PEM, DER); an empty one is 204 as in Vault's fetch paths. */
export function rawResponse(
  contentType: string,
  body: string | Buffer,
): RawResponse {
  return {
    kind: 'raw',
    status: body.length > 0 ? 200 : 204,
    contentType,
    body,
  };
}

/** JSON sent without Vault's envelope (sys/health, sys/seal-status). */
export function rawJson(status: number, body: unknown): RawResponse {
  return {
    kind: 'raw',
    status,
    contentType: 'application/json',
    body: JSON.stringify(body),
  };
}
