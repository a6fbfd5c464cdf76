import { Client, type ClientChannel, type SFTPWrapper, utils } from 'ssh2';
import type { CommandRunner } from '../types';
import {
  sshKeyFingerprintSha256,
  normalizeSshFingerprint,
} from './hostKeyFingerprint';
import { SshCommandRunner } from './SshCommandRunner';
import { SshConnectionError } from './SshConnectionError';

/** How to reach and trust one SSH host. @public */
export interface SshConnectionOptions {
  host: string;
  /** Default 22. */
  port?: number;
  username: string;
  /** OpenSSH or PEM private key. Secret. */
  privateKey: string | Buffer;
  /** Passphrase of an encrypted private key. Secret. */
  passphrase?: string;
  /**
   * Pinned host key fingerprints (`SHA256:…` as `ssh-keygen -lf` prints);
   * the host must present one of them. With none, every host key is refused
   * and the error shows the one presented, ready to be pinned.
   */
  hostKeySha256?: string | string[];
  /** Time allowed for TCP connect, handshake and authentication. Default 20 s. */
  connectTimeoutMs?: number;
  /** Default timeout of each command. Default 120 s. */
  commandTimeoutMs?: number;
  /**
   * Most exec channels open at once. OpenSSH allows 10 sessions per
   * connection (MaxSessions); one is kept for SFTP. Default 8.
   */
  maxChannels?: number;
  /** Where these settings live, named in errors (e.g. `mqCertificates.deployTargets.qm1.ssh`). */
  configPath?: string;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 20_000;

/** The key type inside an SSH public key blob (`ssh-ed25519`, `rsa-sha2-…` keys say `ssh-rsa`). */
function blobKeyType(blob: Buffer): string {
  try {
    const len = blob.readUInt32BE(0);
    return blob.subarray(4, 4 + len).toString('latin1');
  } catch {
    return 'unknown';
  }
}

/**
 * One SSH connection with key authentication and a pinned host key, offering
 * a CommandRunner (`commands`) and an SFTP session (`sftp()`). If the server
 * drops the connection, the next use connects again (with the same checks).
 *
 * @public
 */
export class SshConnection {
  readonly commands: CommandRunner;
  private client?: Client;
  private connecting?: Promise<Client>;
  private sftpSession?: Promise<SFTPWrapper>;
  private readonly pins: string[];
  private readonly configPath: string;
  private closedByUs = false;
  private activeChannels = 0;
  private readonly waiting: (() => void)[] = [];

  private constructor(private readonly options: SshConnectionOptions) {
    this.configPath = options.configPath ?? 'the SSH settings';
    const pins = options.hostKeySha256 ?? [];
    this.pins = (Array.isArray(pins) ? pins : [pins]).map(p =>
      normalizeSshFingerprint(p, `${this.configPath}.hostKeySha256`),
    );
    this.commands = new SshCommandRunner(this, {
      timeoutMs: options.commandTimeoutMs,
    });
  }

  /** Connects, checks the host key and authenticates; throws SshConnectionError. */
  static async connect(options: SshConnectionOptions): Promise<SshConnection> {
    const connection = new SshConnection(options);
    await connection.getClient();
    return connection;
  }

  /** `user@host:port`, for messages. */
  describe(): string {
    return `${this.options.username}@${this.options.host}:${
      this.options.port ?? 22
    }`;
  }

  /** The SFTP session of this connection (opened once, reopened after a reconnect). */
  async sftp(): Promise<SFTPWrapper> {
    if (!this.sftpSession) {
      const session = this.getClient().then(
        client =>
          new Promise<SFTPWrapper>((resolve, reject) =>
            client.sftp((err, sftp) => {
              if (err) {
                reject(
                  new SshConnectionError(
                    `SSH host ${this.describe()} refused an SFTP session: ${
                      err.message
                    }; enable the sftp subsystem in its sshd_config (Subsystem sftp internal-sftp)`,
                    'other',
                  ),
                );
                return;
              }
              sftp.on('close', () => {
                if (this.sftpSession === session) this.sftpSession = undefined;
              });
              resolve(sftp);
            }),
          ),
      );
      this.sftpSession = session;
      session.catch(() => {
        if (this.sftpSession === session) this.sftpSession = undefined;
      });
    }
    return this.sftpSession;
  }

  /**
   * Opens an exec channel for a complete command line (already quoted by the
   * caller). The slot is held until the channel closes.
   */
  async exec(commandLine: string): Promise<ClientChannel> {
    await this.acquireChannel();
    try {
      const client = await this.getClient();
      const channel = await new Promise<ClientChannel>((resolve, reject) =>
        client.exec(commandLine, (err, ch) =>
          err ? reject(err) : resolve(ch),
        ),
      );
      channel.once('close', () => this.releaseChannel());
      return channel;
    } catch (e) {
      this.releaseChannel();
      throw e;
    }
  }

  async close(): Promise<void> {
    this.closedByUs = true;
    const client = this.client;
    this.client = undefined;
    this.sftpSession = undefined;
    if (!client) return;
    await new Promise<void>(resolve => {
      const timer = setTimeout(resolve, 2000);
      client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      client.end();
    });
  }

  private async acquireChannel(): Promise<void> {
    const max = Math.max(1, this.options.maxChannels ?? 8);
    while (this.activeChannels >= max) {
      await new Promise<void>(resolve => this.waiting.push(resolve));
    }
    this.activeChannels += 1;
  }

  private releaseChannel(): void {
    this.activeChannels -= 1;
    this.waiting.shift()?.();
  }

  private getClient(): Promise<Client> {
    if (this.closedByUs) {
      return Promise.reject(
        new SshConnectionError(
          `the SSH connection to ${this.describe()} was closed by this program; open a new one`,
          'closed',
        ),
      );
    }
    if (this.client) return Promise.resolve(this.client);
    if (!this.connecting) {
      this.connecting = this.open().finally(() => {
        this.connecting = undefined;
      });
    }
    return this.connecting;
  }

  private parsePrivateKey() {
    const { privateKey, passphrase } = this.options;
    const where = `${this.configPath}.privateKey`;
    if (!privateKey || privateKey.length === 0) {
      throw new SshConnectionError(
        `no private key for ${this.describe()}; set ${where} (or privateKeyFile / privateKeyEnv)`,
        'private-key',
      );
    }
    const parsed = utils.parseKey(privateKey, passphrase);
    const first = Array.isArray(parsed) ? parsed[0] : parsed;
    if (first instanceof Error) {
      const encrypted = /encrypted|passphrase|decrypt/i.test(first.message);
      throw new SshConnectionError(
        encrypted
          ? `the private key for ${this.describe()} is encrypted and ${
              passphrase
                ? 'the passphrase does not open it'
                : 'no passphrase is set'
            }; set ${this.configPath}.passphrase`
          : `the private key for ${this.describe()} in ${where} cannot be read (${
              first.message
            }); give an OpenSSH or PEM private key`,
        'private-key',
      );
    }
  }

  private async open(): Promise<Client> {
    this.parsePrivateKey();
    const { host, username, privateKey, passphrase } = this.options;
    const port = this.options.port ?? 22;
    const timeoutMs =
      this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    let presented: { fingerprint: string; type: string } | undefined;
    const client = new Client();
    return new Promise<Client>((resolve, reject) => {
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        client.end();
        reject(error);
      };
      client.once('ready', () => {
        settled = true;
        this.client = client;
        client.on('error', () => undefined);
        client.once('close', () => {
          if (this.client === client) this.client = undefined;
          this.sftpSession = undefined;
        });
        resolve(client);
      });
      client.on('error', (err: Error & { level?: string; code?: string }) =>
        fail(this.explain(err, presented, timeoutMs)),
      );
      client.once('close', () =>
        fail(
          this.explain(
            new Error('the connection closed during the handshake'),
            presented,
            timeoutMs,
          ),
        ),
      );
      try {
        client.connect({
          host,
          port,
          username,
          privateKey,
          passphrase,
          readyTimeout: timeoutMs,
          keepaliveInterval: 15_000,
          keepaliveCountMax: 4,
          hostVerifier: (key: Buffer) => {
            presented = {
              fingerprint: sshKeyFingerprintSha256(key),
              type: blobKeyType(key),
            };
            return this.pins.includes(presented.fingerprint);
          },
        });
      } catch (e) {
        fail(this.explain(e as Error, presented, timeoutMs));
      }
    });
  }

  private explain(
    err: Error & { level?: string; code?: string },
    presented: { fingerprint: string; type: string } | undefined,
    timeoutMs: number,
  ): SshConnectionError {
    const who = this.describe();
    const pinPath = `${this.configPath}.hostKeySha256`;
    if (presented && !this.pins.includes(presented.fingerprint)) {
      const seen = `${presented.type} host key ${presented.fingerprint}`;
      const check = `compare it with 'ssh-keygen -lf /etc/ssh/ssh_host_${presented.type.replace(
        /^ssh-|-.*$/g,
        '',
      )}_key.pub' run on the host`;
      return new SshConnectionError(
        this.pins.length === 0
          ? `refused SSH host ${who}: it presented ${seen} and no host key is pinned; ${check}, then set ${pinPath}: ${presented.fingerprint}`
          : `refused SSH host ${who}: it presented ${seen}, which is not the pinned ${this.pins.join(
              ' or ',
            )} (${pinPath}); if the host key was changed on purpose, ${check} and update ${pinPath}, otherwise treat this as a possible man-in-the-middle`,
        'host-key',
        presented.fingerprint,
      );
    }
    if (err.level === 'client-authentication') {
      return new SshConnectionError(
        `SSH host ${who} did not accept the private key for user '${this.options.username}'; add its public key to that user's authorized_keys on the host, or fix ${this.configPath}.username / privateKey`,
        'authentication',
      );
    }
    if (err.level === 'client-timeout' || /timed out/i.test(err.message)) {
      return new SshConnectionError(
        `SSH host ${who} did not complete connect, handshake and login within ${timeoutMs} ms; check that sshd listens there and the network allows it, or raise ${this.configPath}.connectTimeoutMs`,
        'timeout',
      );
    }
    if (
      [
        'ECONNREFUSED',
        'ENOTFOUND',
        'EHOSTUNREACH',
        'ENETUNREACH',
        'EAI_AGAIN',
      ].includes(err.code ?? '')
    ) {
      return new SshConnectionError(
        `cannot reach SSH host ${who} (${err.code}); check ${this.configPath}.host and port and that sshd runs there`,
        'unreachable',
      );
    }
    if (err instanceof SshConnectionError) return err;
    return new SshConnectionError(
      `SSH connection to ${who} failed: ${err.message}; check ${this.configPath}`,
      'other',
    );
  }
}
