/* eslint-disable jest/no-export */
import net from 'node:net';
import vault from 'node-vault';
import type { VaultDevServer } from './startVaultDevServer';

/** Shared helpers for this folder's tests (not a test file itself). */

export interface HttpResult {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

/** One Vault API call with plain fetch: `/v1/${path}`, JSON in and out. */
export async function call(
  server: Pick<VaultDevServer, 'address'>,
  method: string,
  path: string,
  options: {
    token?: string;
    body?: unknown;
    headers?: Record<string, string>;
  } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers['X-Vault-Token'] = options.token;
  const res = await fetch(`${server.address}/v1/${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text, headers: res.headers };
}

/** A node-vault client for the dev server. */
export function nodeVault(
  server: Pick<VaultDevServer, 'address'>,
  token?: string,
  extra: Record<string, unknown> = {},
) {
  return vault({ apiVersion: 'v1', endpoint: server.address, token, ...extra });
}

/** What node-vault rejects with: ApiResponseError (status + body) or a transport error. */
export async function rejection(p: Promise<unknown>): Promise<{
  message: string;
  statusCode?: number;
  body?: any;
  code?: string;
}> {
  try {
    await p;
  } catch (e) {
    const err = e as {
      message: string;
      code?: string;
      response?: { statusCode: number; body: any };
    };
    return {
      message: err.message,
      statusCode: err.response?.statusCode,
      body: err.response?.body,
      code: err.code,
    };
  }
  throw new Error('expected the call to fail, it succeeded');
}

/** Writes raw bytes to the server and collects everything until it closes the connection. */
export function rawExchange(
  port: number,
  payload: string | Buffer,
  timeoutMs = 10_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(
          `no close within ${timeoutMs} ms; got: ${Buffer.concat(
            chunks,
          ).toString()}`,
        ),
      );
    }, timeoutMs);
    socket.on('data', c => chunks.push(c));
    socket.on('error', err => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString());
    });
    socket.write(payload);
  });
}

/** Splits a stream of HTTP/1.1 responses (Content-Length framed) into status + JSON bodies. */
export function parseResponses(
  stream: string,
): Array<{ status: number; body: any }> {
  const out: Array<{ status: number; body: any }> = [];
  let rest = stream;
  while (rest.startsWith('HTTP/1.1 ')) {
    const headEnd = rest.indexOf('\r\n\r\n');
    const head = rest.slice(0, headEnd);
    const status = Number(head.slice(9, 12));
    const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
    const bodyText = rest.slice(headEnd + 4, headEnd + 4 + length);
    out.push({ status, body: bodyText ? JSON.parse(bodyText) : undefined });
    rest = rest.slice(headEnd + 4 + length);
  }
  return out;
}

/** A certificate's serial in Vault's form (lower-case colon hex, no leading zero bytes). */
export function vaultSerialOf(cert: { serialNumber: string }): string {
  let hex = cert.serialNumber.toLowerCase();
  if (hex.length % 2) hex = `0${hex}`;
  while (hex.length > 2 && hex.startsWith('00')) hex = hex.slice(2);
  return hex.match(/../g)!.join(':');
}
