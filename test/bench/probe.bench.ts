/* eslint-disable no-console */
/*
 * `npm run bench:probe`: 1,000 TLS listeners on loopback (one child process,
 * one shared secure context, RSA-2048 leaf + 2-certificate chain), probed at
 * concurrency 50 by our NodeTlsProbe (chain summaries, fingerprints, own
 * chain verification) and by a bare `tls.connect` loop that only completes
 * the handshake. Rounds alternate between the two; medians are printed, then
 * `ratio <probe / bare>` (goal: ≤ 1.2).
 *
 * Options: BENCH_LISTENERS (default 1000), BENCH_CONCURRENCY (50),
 * BENCH_ROUNDS (5).
 */
import { fork, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import tls from 'node:tls';
import { NodeTlsProbe } from '@mqcert/plugin-mq-certificates-node';
import { createTestPki } from '../src/qm-simulator/testPki';

const LISTENERS = Number(process.env.BENCH_LISTENERS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const HOST = '127.0.0.1';

interface ServeRequest {
  count: number;
  key: string;
  cert: string;
}

/** Child: opens `count` TLS listeners sharing one secure context. */
async function serve(req: ServeRequest): Promise<number[]> {
  const context = tls.createSecureContext({ key: req.key, cert: req.cert });
  const ports: number[] = [];
  for (let i = 0; i < req.count; i++) {
    const server = net.createServer(raw => {
      const socket = new tls.TLSSocket(raw, {
        isServer: true,
        secureContext: context,
      });
      socket.on('secure', () => socket.end());
      socket.on('error', () => raw.destroy());
    });
    await new Promise<void>(resolve => server.listen(0, HOST, resolve));
    ports.push((server.address() as net.AddressInfo).port);
  }
  return ports;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface Timing {
  /** Elapsed time. */
  wallMs: number;
  /** CPU time of this (client) process: user + system. */
  cpuMs: number;
}

/** Runs `fn` over every port with `CONCURRENCY` workers. */
async function timed(
  ports: number[],
  fn: (port: number) => Promise<unknown>,
): Promise<Timing> {
  let next = 0;
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, ports.length) }, async () => {
      while (next < ports.length) await fn(ports[next++]);
    }),
  );
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

function bareConnect(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect(
      { host: HOST, port, rejectUnauthorized: false },
      () => {
        socket.destroy();
        resolve();
      },
    );
    socket.on('error', reject);
  });
}

async function main(): Promise<void> {
  const pki = createTestPki('Bench');
  const leaf = pki.issue('bench.mq.example.test');
  const child: ChildProcess = fork(__filename, ['--serve'], {
    execArgv: process.execArgv,
    stdio: 'inherit',
  });
  try {
    const ports = await new Promise<number[]>((resolve, reject) => {
      child.once('message', m => resolve((m as { ports: number[] }).ports));
      child.once('error', reject);
      child.once('exit', code =>
        reject(new Error(`listener process exited (${code})`)),
      );
      child.send({
        count: LISTENERS,
        key: leaf.privateKeyPem,
        cert: [leaf.certificatePem, ...pki.chainPem].join('\n'),
      });
    });
    const probe = new NodeTlsProbe({
      caPem: [pki.root.certificatePem],
      timeoutMs: 30_000,
    });
    let untrusted = 0;
    const probeOne = async (port: number) => {
      const r = await probe.probe({ host: HOST, port });
      if (
        !r.trusted ||
        r.certificate.serialNumber !== leaf.serialNumber ||
        r.chain.length !== 2
      )
        untrusted++;
    };
    console.log(
      `bench:probe: ${ports.length} TLS listeners on ${HOST}, concurrency ${CONCURRENCY}, ${ROUNDS} rounds each`,
    );
    // Warm-up (JIT, TLS code paths), not measured.
    const warm = ports.slice(0, Math.min(200, ports.length));
    await timed(warm, bareConnect);
    await timed(warm, probeOne);
    const bare: Timing[] = [];
    const ours: Timing[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order so drift in machine load hits both alike.
      if (round % 2 === 0) {
        bare.push(await timed(ports, bareConnect));
        ours.push(await timed(ports, probeOne));
      } else {
        ours.push(await timed(ports, probeOne));
        bare.push(await timed(ports, bareConnect));
      }
      const [x, y] = [bare[round], ours[round]];
      console.log(
        `  round ${round + 1}: bare ${x.wallMs.toFixed(
          0,
        )} ms (cpu ${x.cpuMs.toFixed(0)}), probe ${y.wallMs.toFixed(
          0,
        )} ms (cpu ${y.cpuMs.toFixed(0)})`,
      );
    }
    if (untrusted > 0)
      throw new Error(
        `${untrusted} probes did not report the served certificate as expected`,
      );
    const line = (name: string, t: Timing[]) => {
      const wall = median(t.map(x => x.wallMs));
      const cpu = median(t.map(x => x.cpuMs));
      console.log(
        `${name} ${wall.toFixed(0)} ms (median; ${(wall / ports.length).toFixed(
          2,
        )} ms a listener; client CPU ${cpu.toFixed(0)} ms)`,
      );
      return { wall, cpu };
    };
    const b = line('bare tls.connect loop:', bare);
    const p = line('NodeTlsProbe:         ', ours);
    // The wall-clock ratio is the goal; the client-CPU ratio says how much
    // of it is our own work when other load on the machine adds noise.
    console.log(`client CPU ratio ${(p.cpu / b.cpu).toFixed(2)}`);
    const ratio = p.wall / b.wall;
    console.log(
      `ratio ${ratio.toFixed(2)} (goal ≤ 1.2: ${
        ratio <= 1.2 ? 'met' : 'missed'
      })`,
    );
  } finally {
    child.kill();
  }
}

if (process.argv.includes('--serve')) {
  process.once('message', m => {
    void serve(m as ServeRequest).then(ports => process.send!({ ports }));
  });
} else {
  main().catch(e => {
    console.error(`bench:probe failed: ${(e as Error).message}`);
    process.exitCode = 1;
  });
}
