import { spawn } from 'node:child_process';
import { findExecutable } from './tools';

/** What `openssl s_client` saw the listener serve (its leaf certificate). */
export interface OpensslServedCertificate {
  /** Lower-case colon hex without leading zero bytes (the project's canonical form). */
  serialNumber: string;
  subject: string;
  notAfter: string;
  /** The leaf as PEM. */
  pem: string;
}

/**
 * Runs a command asynchronously — never spawnSync: the listener under test
 * may live in this very process (the simulator), and a blocked event loop
 * could not answer the handshake.
 */
function run(
  cmd: string,
  args: string[],
  input: string,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', d => {
      stdout += d.toString();
    });
    child.stderr.on('data', d => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${cmd} ${args.join(
            ' ',
          )} took longer than ${timeoutMs} ms: ${stderr}`,
        ),
      );
    }, timeoutMs);
    child.on('error', e => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', code => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/** `serial=0A1B…` → `0a:1b:…` (no leading zero bytes). */
export function canonicalSerialFromOpenssl(hex: string): string {
  let h = hex.trim().toLowerCase();
  if (h.length % 2) h = `0${h}`;
  while (h.length > 2 && h.startsWith('00')) h = h.slice(2);
  return h.match(/../g)!.join(':');
}

/**
 * Connects with `openssl s_client` (an independent TLS client, not the
 * product's probe) and reads the served leaf with `openssl x509`.
 * `servername` sends SNI (an MQ channel's SNI name); without it no SNI is
 * sent, like an MQ client that names no channel.
 */
export async function servedCertificateByOpenssl(
  host: string,
  port: number,
  options: { servername?: string; timeoutMs?: number } = {},
): Promise<OpensslServedCertificate> {
  const openssl = findExecutable('openssl');
  if (!openssl) throw new Error('openssl not found (Debian package openssl)');
  const timeoutMs = options.timeoutMs ?? 15_000;
  const connect = await run(
    openssl,
    [
      's_client',
      '-connect',
      `${host}:${port}`,
      ...(options.servername
        ? ['-servername', options.servername]
        : ['-noservername']),
      '-showcerts',
    ],
    '',
    timeoutMs,
  );
  const pem =
    /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(
      connect.stdout,
    )?.[0];
  if (!pem) {
    throw new Error(
      `openssl s_client ${host}:${port} got no certificate (exit ${connect.code}): ${connect.stderr}${connect.stdout}`,
    );
  }
  const x509 = await run(
    openssl,
    [
      'x509',
      '-noout',
      '-serial',
      '-subject',
      '-enddate',
      '-nameopt',
      'RFC2253',
    ],
    `${pem}\n`,
    timeoutMs,
  );
  const field = (name: string) =>
    new RegExp(`^${name}=\\s*(.*)$`, 'm').exec(x509.stdout)?.[1]?.trim();
  const serial = field('serial');
  if (x509.code !== 0 || !serial) {
    throw new Error(
      `openssl x509 could not read the served certificate: ${x509.stderr}`,
    );
  }
  return {
    serialNumber: canonicalSerialFromOpenssl(serial),
    subject: field('subject') ?? '',
    notAfter: new Date(field('notAfter') ?? '').toISOString(),
    pem,
  };
}
