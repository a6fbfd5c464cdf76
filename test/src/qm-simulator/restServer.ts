/*
 * A stand-in for mqweb's MQSC resource (shared/reference/ibm-mq.md §5):
 * POST /ibmmq/rest/{v1|v2|v3}/admin/action/qmgr/{qm}/mqsc with
 * {"type":"runCommand","parameters":{"command":"…"}}, over HTTPS, basic
 * authentication or a client certificate, the ibm-mq-rest-csrf-token header
 * required (MQWB0100E otherwise). Failed commands answer 200 with a non-zero
 * overallCompletionCode, as the IBM samples read them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { SimulatedRestConfig } from './config';
import { readBody, sendJson } from './httpUtil';
import { toRestBody } from './mqscResult';
import type { SimulatedQueueManager } from './QueueManager';

const ROUTE =
  /^\/ibmmq\/rest\/(v1|v2|v3)\/admin\/action\/qmgr\/([^/]+)\/mqsc\/?$/;

function mqwebError(
  messageId: string,
  message: string,
  explanation: string,
  action: string,
  extra: Record<string, unknown> = {},
) {
  return {
    error: [
      {
        type: 'rest',
        messageId,
        message: `${messageId}: ${message}`,
        explanation,
        action,
        ...extra,
      },
    ],
  };
}

/** Starts the simulated mqweb; resolves with its port. */
export async function startRestServer(options: {
  config: SimulatedRestConfig;
  certificatePem: string;
  privateKeyPem: string;
  queueManagers: Map<string, SimulatedQueueManager>;
}): Promise<{ server: https.Server; port: number; host: string }> {
  const { config, queueManagers } = options;
  const users = config.users ?? [{ username: 'admin', password: 'passw0rd' }];
  const server = https.createServer(
    {
      key: options.privateKeyPem,
      cert: options.certificatePem,
      requestCert: Boolean(config.clientCaPem),
      rejectUnauthorized: false,
      ca: config.clientCaPem ? [config.clientCaPem] : undefined,
    },
    (req, res) => {
      void handle(req, res).catch(e =>
        sendJson(
          res,
          500,
          mqwebError(
            'MQWB0000E',
            `simulator failure: ${(e as Error).message}`,
            '',
            '',
          ),
        ),
      );
    },
  );

  function authenticated(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    const m = /^Basic (.+)$/i.exec(header);
    if (m) {
      const [username, ...rest] = Buffer.from(m[1], 'base64')
        .toString('utf8')
        .split(':');
      return users.some(
        u => u.username === username && u.password === rest.join(':'),
      );
    }
    const socket = req.socket as TLSSocket;
    if (config.clientCaPem && socket.authorized) {
      const cn = socket.getPeerCertificate()?.subject?.CN;
      return users.some(u => u.username === cn);
    }
    return false;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'https://mqweb');
    const route = ROUTE.exec(url.pathname);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    if (!authenticated(req)) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="IBM MQ"' }).end();
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    if (req.headers['ibm-mq-rest-csrf-token'] === undefined) {
      sendJson(
        res,
        config.csrfFailureStatus ?? 403,
        mqwebError(
          'MQWB0100E',
          "The CSRF header 'ibm-mq-rest-csrf-token' was omitted from the request.",
          'A header named ibm-mq-rest-csrf-token is required on POST, PATCH and DELETE requests.',
          'Add the ibm-mq-rest-csrf-token header, with any value, to the request.',
        ),
      );
      return;
    }
    const qmName = decodeURIComponent(route[2]);
    const qm = queueManagers.get(qmName);
    if (!qm) {
      sendJson(
        res,
        404,
        mqwebError(
          'MQWB0009E',
          `Could not find the queue manager '${qmName}'.`,
          'The queue manager does not exist on this host.',
          'Check the queue manager name; names are case-sensitive.',
          { qmgrName: qmName },
        ),
      );
      return;
    }
    let body: { type?: unknown; parameters?: { command?: unknown } };
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      sendJson(
        res,
        400,
        mqwebError(
          'MQWB0000E',
          'The request body is not JSON (simulator placeholder id).',
          '',
          'Send a JSON body.',
        ),
      );
      return;
    }
    const command = body?.parameters?.command;
    if (
      body?.type !== 'runCommand' ||
      typeof command !== 'string' ||
      !command.trim()
    ) {
      sendJson(
        res,
        400,
        mqwebError(
          'MQWB0000E',
          'Only {"type":"runCommand","parameters":{"command":"…"}} is simulated (placeholder id).',
          '',
          'Send a runCommand request.',
        ),
      );
      return;
    }
    sendJson(res, 200, toRestBody(qm.execute(command.trim())));
  }

  const host = config.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port ?? 0, host, () => resolve());
  });
  return { server, host, port: (server.address() as AddressInfo).port };
}
