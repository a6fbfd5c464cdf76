import { Duplex } from 'node:stream';
import type net from 'node:net';

/**
 * Header added to requests that arrived with the `LIST` verb. Node's HTTP
 * parser (llhttp) rejects unknown methods with HPE_INVALID_METHOD before any
 * handler runs, so each request line `LIST /path HTTP/1.1` is rewritten to
 * `GET` plus this header before the parser sees it.
 */
export const LIST_VERB_HEADER = 'x-vault-dev-list-verb';

/** A request head larger than this is passed through untouched (the parser rejects it). */
const MAX_HEAD_BYTES = 64 * 1024;

type State =
  | { kind: 'head' }
  | { kind: 'body'; remaining: number }
  | { kind: 'chunk-size' }
  | { kind: 'chunk-data'; remaining: number }
  | { kind: 'trailers' }
  | { kind: 'passthrough' };

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

function rewriteHead(head: Buffer): Buffer {
  const text = head.toString('latin1');
  const lines = text.split('\r\n');
  // A client must not be able to fake the marker.
  const kept = lines.filter(
    (line, i) =>
      i === 0 || !line.toLowerCase().startsWith(`${LIST_VERB_HEADER}:`),
  );
  if (kept[0].startsWith('LIST ')) {
    kept[0] = `GET ${kept[0].slice(5)}`;
    kept.splice(1, 0, `${LIST_VERB_HEADER}: 1`);
  }
  return Buffer.from(kept.join('\r\n'), 'latin1');
}

function framingOf(head: Buffer): State {
  const text = head.toString('latin1').toLowerCase();
  if (/\r\ntransfer-encoding:[^\r]*chunked/.test(text))
    return { kind: 'chunk-size' };
  const length = /\r\ncontent-length:\s*(\d+)/.exec(text);
  const n = length ? Number(length[1]) : 0;
  return n > 0 ? { kind: 'body', remaining: n } : { kind: 'head' };
}

/**
 * Wraps a connection (plain TCP or TLS) for an http.Server. It follows HTTP/1.1
 * message framing (Content-Length and chunked bodies) so that every request
 * on a keep-alive connection gets its request line checked, not just the first.
 * Writes go straight to the connection.
 */
export class ListVerbSocket extends Duplex {
  private pending: Buffer = Buffer.alloc(0);
  private state: State = { kind: 'head' };

  /**
   * @param conn - the stream HTTP bytes travel on (a TLSSocket for HTTPS)
   * @param tcp - the TCP socket under it, for connection resets
   */
  constructor(readonly conn: net.Socket, readonly tcp: net.Socket) {
    super({ allowHalfOpen: true });
    conn.on('data', chunk => this.onData(chunk));
    conn.on('end', () => {
      if (this.pending.length > 0) this.push(this.pending);
      this.pending = Buffer.alloc(0);
      this.push(null);
    });
    conn.on('error', err => this.destroy(err));
    conn.on('close', () => this.destroy());
    conn.on('timeout', () => this.emit('timeout'));
  }

  get remoteAddress() {
    return this.tcp.remoteAddress;
  }

  get remotePort() {
    return this.tcp.remotePort;
  }

  get localAddress() {
    return this.tcp.localAddress;
  }

  get localPort() {
    return this.tcp.localPort;
  }

  setTimeout(ms: number, callback?: () => void): this {
    this.conn.setTimeout(ms);
    if (callback) this.once('timeout', callback);
    return this;
  }

  setNoDelay(noDelay?: boolean): this {
    this.conn.setNoDelay(noDelay);
    return this;
  }

  setKeepAlive(enable?: boolean, delay?: number): this {
    this.conn.setKeepAlive(enable, delay);
    return this;
  }

  /** Drops the connection with a TCP RST, as a failing proxy or peer would. */
  reset(): void {
    if (typeof this.tcp.resetAndDestroy === 'function' && !this.tcp.destroyed) {
      try {
        this.tcp.resetAndDestroy();
      } catch {
        this.tcp.destroy();
      }
    }
    this.conn.destroy();
    this.destroy();
  }

  _read(): void {
    this.conn.resume();
  }

  _write(
    chunk: Buffer,
    encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    this.conn.write(chunk, encoding, callback);
  }

  _final(callback: (error?: Error | null) => void): void {
    this.conn.end(callback);
  }

  _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    this.conn.destroy();
    callback(error);
  }

  private emitBytes(bytes: Buffer) {
    if (bytes.length > 0 && !this.push(bytes)) this.conn.pause();
  }

  private takeBytes(n: number): Buffer {
    const out = this.pending.subarray(0, n);
    this.pending = this.pending.subarray(n);
    return out;
  }

  private onData(chunk: Buffer) {
    this.pending = this.pending.length
      ? Buffer.concat([this.pending, chunk])
      : chunk;
    for (;;) {
      const s = this.state;
      if (s.kind === 'passthrough') {
        this.emitBytes(this.takeBytes(this.pending.length));
        return;
      }
      if (s.kind === 'head') {
        const end = this.pending.indexOf(HEAD_END);
        if (end < 0) {
          if (this.pending.length > MAX_HEAD_BYTES)
            this.state = { kind: 'passthrough' };
          else return;
          continue;
        }
        const head = this.takeBytes(end + HEAD_END.length);
        this.emitBytes(rewriteHead(head));
        this.state = framingOf(head);
        continue;
      }
      if (s.kind === 'body' || s.kind === 'chunk-data') {
        if (this.pending.length === 0) return;
        const n = Math.min(s.remaining, this.pending.length);
        this.emitBytes(this.takeBytes(n));
        s.remaining -= n;
        if (s.remaining > 0) return;
        this.state =
          s.kind === 'body' ? { kind: 'head' } : { kind: 'chunk-size' };
        continue;
      }
      // chunk-size and trailers are line based.
      const eol = this.pending.indexOf(CRLF);
      if (eol < 0) {
        if (this.pending.length > MAX_HEAD_BYTES)
          this.state = { kind: 'passthrough' };
        else return;
        continue;
      }
      const line = this.takeBytes(eol + CRLF.length);
      this.emitBytes(line);
      if (s.kind === 'trailers') {
        if (line.length === CRLF.length) this.state = { kind: 'head' };
        continue;
      }
      const size = parseInt(line.toString('latin1').split(';')[0].trim(), 16);
      if (!Number.isFinite(size)) {
        this.state = { kind: 'passthrough' };
      } else if (size === 0) {
        this.state = { kind: 'trailers' };
      } else {
        // The chunk's data is followed by its own CRLF.
        this.state = { kind: 'chunk-data', remaining: size + CRLF.length };
      }
    }
  }
}
