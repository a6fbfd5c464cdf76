/*
 * The simulator's control API (HTTP on loopback), for tests, the demo and
 * the runmqsc stand-in:
 *   GET  /qmgrs                      state of every queue manager
 *   GET  /qmgrs/{qm}                 state of one
 *   POST /qmgrs/{qm}/faults          merge faults (JSON), answers the faults now set
 *   DELETE /qmgrs/{qm}/faults        clear faults
 *   POST /qmgrs/{qm}/mqsc            {"command":"…"} → the command's result (JSON)
 *   POST /qmgrs/{qm}/runmqsc         MQSC script as text → {"exitCode","stdout"} like runmqsc
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, sendJson } from './httpUtil';
import { splitMqscScript } from './mqscParser';
import { runmqscNoQueueManager, toRunmqscOutput } from './mqscResult';
import type { SimulatedQueueManager } from './QueueManager';

/** Runs a runmqsc script against a queue manager (or reports it missing). */
export function runRunmqscScript(
  name: string,
  qm: SimulatedQueueManager | undefined,
  script: string,
): { exitCode: number; stdout: string } {
  if (!qm) return runmqscNoQueueManager(name, false);
  const results = [];
  for (const command of splitMqscScript(script)) {
    if (/^END$/i.test(command)) break;
    results.push(qm.execute(command));
  }
  return toRunmqscOutput(name, results);
}

export async function startControlServer(options: {
  host?: string;
  port?: number;
  queueManagers: Map<string, SimulatedQueueManager>;
}): Promise<{ server: http.Server; url: string }> {
  const { queueManagers } = options;
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://control');
      const parts = url.pathname
        .split('/')
        .filter(Boolean)
        .map(decodeURIComponent);
      if (parts[0] !== 'qmgrs')
        return sendJson(res, 404, { error: 'unknown path' });
      if (parts.length === 1 && req.method === 'GET') {
        return sendJson(
          res,
          200,
          [...queueManagers.values()].map(q => q.state()),
        );
      }
      const name = parts[1];
      const qm = queueManagers.get(name);
      const action = parts[2];
      if (action === 'runmqsc' && req.method === 'POST') {
        return sendJson(
          res,
          200,
          runRunmqscScript(name, qm, await readBody(req)),
        );
      }
      if (!qm) return sendJson(res, 404, { error: `no queue manager ${name}` });
      if (!action && req.method === 'GET')
        return sendJson(res, 200, qm.state());
      if (action === 'faults' && req.method === 'POST') {
        return sendJson(
          res,
          200,
          qm.setFaults(JSON.parse((await readBody(req)) || '{}')),
        );
      }
      if (action === 'faults' && req.method === 'DELETE') {
        qm.clearFaults();
        return sendJson(res, 200, {});
      }
      if (action === 'mqsc' && req.method === 'POST') {
        const { command } = JSON.parse(await readBody(req)) as {
          command: string;
        };
        return sendJson(res, 200, qm.execute(String(command)));
      }
      return sendJson(res, 404, { error: 'unknown path' });
    })().catch(e => sendJson(res, 500, { error: (e as Error).message }));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://${host}:${port}` };
}
