import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { ListVerbSocket } from './listVerbSocket';

export interface ListenerTlsOptions {
  key: string;
  cert: string;
  /** CA bundle used to verify client certificates. */
  ca?: string;
  requestCert: boolean;
}

export interface ListenerOptions {
  host: string;
  port: number;
  tls?: ListenerTlsOptions;
}

export interface Listener {
  port: number;
  close(): Promise<void>;
}

/**
 * Accepts TCP (or TLS) connections, puts a ListVerbSocket in front of each so
 * the LIST verb survives Node's HTTP parser, and hands them to an http.Server
 * that never listens itself.
 */
export async function listen(
  options: ListenerOptions,
  handler: (
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ) => Promise<void>,
): Promise<Listener> {
  // Like Go's net/http (Vault), requests on one connection run one at a time,
  // so pipelined requests see each other's effects in order.
  const queues = new WeakMap<object, Promise<void>>();
  // Vault's listeners keep idle connections for 5 minutes
  // (http_idle_timeout). Node's 5 s default is also a race when the client
  // shares this process: after a busy stretch the overdue idle timer runs
  // before the request the client already wrote is read, and the client
  // sees ECONNRESET / "other side closed".
  const httpServer = http.createServer(
    { keepAliveTimeout: 5 * 60_000 },
    (req, res) => {
      const previous = queues.get(req.socket) ?? Promise.resolve();
      const next = previous
        .then(() => handler(req, res))
        .catch(() => undefined);
      queues.set(req.socket, next);
    },
  );
  const open = new Set<ListVerbSocket>();
  const adopt = (conn: net.Socket, tcp: net.Socket) => {
    const wrapped = new ListVerbSocket(conn, tcp);
    open.add(wrapped);
    wrapped.on('close', () => open.delete(wrapped));
    httpServer.emit('connection', wrapped);
  };

  let server: net.Server;
  if (options.tls) {
    // tls.Server authorises client certificates; its 'connection' event still
    // shows the TCP socket, which we keep to be able to reset it.
    const tcpByPeer = new Map<string, net.Socket>();
    const peer = (s: net.Socket) => `${s.remoteAddress}:${s.remotePort}`;
    const tlsServer = tls.createServer({
      key: options.tls.key,
      cert: options.tls.cert,
      ca: options.tls.ca,
      requestCert: options.tls.requestCert,
      rejectUnauthorized: options.tls.requestCert,
    });
    tlsServer.on('connection', (tcp: net.Socket) => {
      const key = peer(tcp);
      tcpByPeer.set(key, tcp);
      tcp.once('close', () => tcpByPeer.delete(key));
    });
    tlsServer.on('secureConnection', (conn: tls.TLSSocket) => {
      adopt(conn, tcpByPeer.get(peer(conn)) ?? conn);
    });
    // Failed handshakes (e.g. a missing client certificate) are the client's problem.
    tlsServer.on('tlsClientError', () => {});
    server = tlsServer;
  } else {
    server = net.createServer(tcp => adopt(tcp, tcp));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve());
        for (const s of open) s.destroy();
        httpServer.close();
      }),
  };
}
