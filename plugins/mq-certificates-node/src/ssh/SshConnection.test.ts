import net from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import { SshConnection } from './SshConnection';
import { SshConnectionError } from './SshConnectionError';

// Real handshakes against a real sshd are tested in test/src/deploy; these
// cover what fails before or without an SSH server.

const rsaKey = (passphrase?: string) =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
    privateKeyEncoding: passphrase
      ? { type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase }
      : { type: 'pkcs1', format: 'pem' },
  }).privateKey;

async function listen(onConnection: (s: net.Socket) => void) {
  const server = net.createServer(onConnection);
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>(r => server.close(() => r())),
  };
}

async function connectError(
  options: Partial<Parameters<typeof SshConnection.connect>[0]>,
): Promise<SshConnectionError> {
  try {
    await SshConnection.connect({
      host: '127.0.0.1',
      port: 1,
      username: 'mqm',
      privateKey: rsaKey(),
      hostKeySha256: 'SHA256:n0Vb4bQnEr4iGSlR7y3ZAqCw5nCUl0ZPj5QfE9uF0Ew',
      configPath: 'mqCertificates.deployTargets.qm1.ssh',
      ...options,
    });
  } catch (e) {
    expect(e).toBeInstanceOf(SshConnectionError);
    return e as SshConnectionError;
  }
  throw new Error('connect unexpectedly succeeded');
}

describe('SshConnection', () => {
  it('times out on a peer that accepts TCP but never speaks SSH', async () => {
    const sockets: net.Socket[] = [];
    const server = await listen(s => sockets.push(s));
    try {
      const started = Date.now();
      const err = await connectError({
        port: server.port,
        connectTimeoutMs: 400,
      });
      expect(err.reason).toBe('timeout');
      expect(err.message).toContain('within 400 ms');
      expect(err.message).toContain(
        'mqCertificates.deployTargets.qm1.ssh.connectTimeoutMs',
      );
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      sockets.forEach(s => s.destroy());
      await server.close();
    }
  });

  it('reports a refused port as unreachable', async () => {
    const server = await listen(() => undefined);
    const port = server.port;
    await server.close();
    const err = await connectError({ port });
    expect(err.reason).toBe('unreachable');
    expect(err.message).toMatch(
      /cannot reach SSH host mqm@127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
    );
  });

  it('explains an encrypted key without, or with a wrong, passphrase', async () => {
    const key = rsaKey('correct horse');
    const none = await connectError({ privateKey: key });
    expect(none.reason).toBe('private-key');
    expect(none.message).toContain('no passphrase is set');
    expect(none.message).toContain(
      'mqCertificates.deployTargets.qm1.ssh.passphrase',
    );
    const wrong = await connectError({ privateKey: key, passphrase: 'nope' });
    expect(wrong.message).toContain('the passphrase does not open it');
    expect(wrong.message).not.toContain('nope');
  });

  it('refuses text that is not a private key', async () => {
    const err = await connectError({ privateKey: 'not a key' });
    expect(err.reason).toBe('private-key');
    expect(err.message).toContain('cannot be read');
  });

  it('refuses a malformed pin before connecting', async () => {
    await expect(
      SshConnection.connect({
        host: '127.0.0.1',
        username: 'mqm',
        privateKey: rsaKey(),
        hostKeySha256: 'aa:bb',
        configPath: 'x.ssh',
      }),
    ).rejects.toThrow(/^x\.ssh\.hostKeySha256: 'aa:bb' is not a SHA-256/);
  });
});
