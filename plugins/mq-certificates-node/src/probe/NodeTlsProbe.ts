import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { InputError } from '@backstage/errors';
import type { ProbeResult, TlsProbe } from '../types';
import { TlsProbeError, type TlsProbeFailure } from './TlsProbeError';
import { summarizeServedCertificate } from './summaryCache';
import { parseCertificates } from '../certificates/bundle';
import { servedCertificates, verifyServedChain } from './servedChain';

/** Options of {@link NodeTlsProbe}. */
export interface NodeTlsProbeOptions {
  /** PEM CA certificates (roots or issuing intermediates) the served chain must verify against. */
  caPem?: string[];
  /** Time allowed for connect plus handshake. Default 10 s. */
  timeoutMs?: number;
  /** Lowest TLS version offered. Default TLSv1.2 (MQ's ANY_TLS12 and later). */
  minVersion?: tls.SecureVersion;
  /** Clock for validity checks; replaceable in tests. */
  now?: () => number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** OpenSSL's error text reduced to what a person can act on. */
function describeTlsFailure(e: NodeJS.ErrnoException): string {
  const alert = /alert ([a-z ]+?)(?::|$)/m.exec(e.message);
  if (alert) return `the server sent the TLS alert '${alert[1].trim()}'`;
  if (
    /disconnected before secure TLS connection/i.test(e.message) ||
    e.code === 'ECONNRESET'
  ) {
    return 'the server closed the connection during the handshake';
  }
  const line = e.message
    .split('\n')[0]
    .replace(/^[0-9A-F]+:error:[0-9A-F]+:/, '');
  return e.code ? `${line} (${e.code})` : line;
}

/**
 * Probes TLS listeners with node's TLS client. It trusts nothing during the
 * handshake, so an untrusted or broken chain is still reported, and then
 * verifies what was served against the configured CAs itself. One secure
 * context serves every probe.
 */
export class NodeTlsProbe implements TlsProbe {
  private readonly anchors: X509Certificate[];
  private readonly context: tls.SecureContext;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(options: NodeTlsProbeOptions = {}) {
    this.anchors = (options.caPem ?? []).flatMap((pem, i) =>
      parseCertificates(pem, `probe CA ${i + 1}`),
    );
    // An empty CA list gives an empty trust store: node then adds no CA of
    // its own to the peer chain it exposes, so `chain` is what was served.
    this.context = tls.createSecureContext({
      ca: [],
      minVersion: options.minVersion ?? 'TLSv1.2',
    });
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
  }

  probe(request: {
    host: string;
    port: number;
    servername?: string;
    timeoutMs?: number;
    signal?: AbortSignal;
  }): Promise<ProbeResult> {
    const { host, port, servername, signal } = request;
    if (!host || !Number.isInteger(port) || port < 1 || port > 65535) {
      return Promise.reject(
        new InputError(
          `listener: '${host}:${port}' is not a host and a port between 1 and 65535`,
        ),
      );
    }
    const timeoutMs = request.timeoutMs ?? this.timeoutMs;
    const target = `${host.includes(':') ? `[${host}]` : host}:${port}${
      servername ? ` (SNI ${servername})` : ''
    }`;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<ProbeResult>((resolve, reject) => {
      let tcpConnected = false;
      let settled = false;
      const timer: { id?: NodeJS.Timeout } = {};
      const socket = tls.connect({
        host,
        port,
        servername: servername || undefined,
        secureContext: this.context,
        rejectUnauthorized: false,
        checkServerIdentity: () => undefined,
      });
      const onAbort = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer.id);
        socket.destroy();
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const fail = (
        reason: TlsProbeFailure,
        message: string,
        cause?: unknown,
      ) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer.id);
        signal?.removeEventListener('abort', onAbort);
        socket.destroy();
        reject(
          new TlsProbeError(message, reason, host, port, servername, cause),
        );
      };
      timer.id = setTimeout(
        () =>
          fail(
            'timeout',
            tcpConnected
              ? `${target} accepted the connection but completed no TLS handshake within ${timeoutMs} ms; check that the port is the queue manager's TLS listener`
              : `no connection to ${target} within ${timeoutMs} ms; check the host, the port and firewalls`,
          ),
        timeoutMs,
      );
      socket.once('connect', () => {
        tcpConnected = true;
      });
      socket.once('secureConnect', () => {
        if (settled) return;
        try {
          const served = servedCertificates(socket.getPeerX509Certificate());
          if (served.length === 0) {
            fail(
              'no-certificate',
              `${target} completed a TLS handshake without a certificate`,
            );
            return;
          }
          const verification = verifyServedChain(
            served,
            this.anchors,
            this.now(),
          );
          const [leaf, ...chain] = served.map(c =>
            summarizeServedCertificate(c),
          );
          settled = true;
          clearTimeout(timer.id);
          signal?.removeEventListener('abort', onAbort);
          socket.destroy();
          resolve({
            host,
            port,
            servername: servername || undefined,
            certificate: leaf,
            chain,
            trusted: verification.trusted,
            trustError: verification.error,
          });
        } catch (e) {
          fail(
            'handshake',
            `${target} served a certificate that cannot be read: ${
              (e as Error).message
            }`,
            e,
          );
        }
      });
      socket.on('error', (e: NodeJS.ErrnoException) => {
        const code = e.code ?? '';
        if (code === 'ECONNREFUSED') {
          fail(
            'refused',
            `${target} refused the connection; check that the queue manager's listener runs on that port (DISPLAY LSSTATUS(*))`,
            e,
          );
        } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
          fail(
            'dns',
            `the host name '${host}' does not resolve; check the listener annotation`,
            e,
          );
        } else if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
          fail(
            'unreachable',
            `${target} is unreachable from the backend (${code}); check routes and firewalls`,
            e,
          );
        } else if (!tcpConnected) {
          fail(
            'unreachable',
            `could not connect to ${target}: ${e.message}`,
            e,
          );
        } else {
          fail(
            'handshake',
            `the TLS handshake with ${target} failed: ${describeTlsFailure(
              e,
            )}; the queue manager may not find its certificate label (AMQ9645E in its error log) or not accept TLS 1.2 or later`,
          );
        }
      });
      socket.once('close', () =>
        fail(
          'handshake',
          `${target} closed the connection during the TLS handshake; the queue manager may not find its certificate label (AMQ9645E in its error log)`,
        ),
      );
    });
  }
}
