/*
 * One simulated queue manager: its attributes, its TLS channels, the key
 * repository its processes hold in memory, and its TLS listener. Faithful
 * to shared/reference/ibm-mq.md where it matters to a rotation:
 * - the repository is read at start and on REFRESH SECURITY TYPE(SSL) only;
 *   ALTER QMGR and a changed file change nothing until then (§1);
 * - the certificate is chosen by SNI: a channel's own CERTLABL when the
 *   client sends that channel's MQ SNI name, otherwise the queue manager's
 *   CERTLABL, or `ibmwebspheremq<qm lower case>` when that is blank (§4, §7);
 * - a label missing from the repository makes handshakes fail (AMQ9645E in
 *   the error log) while the refresh itself succeeds (§1, §8 #1);
 * - a refresh can time out with AMQ9710 (§1).
 */
import net from 'node:net';
import tls from 'node:tls';
import type {
  SimulatedChannelConfig,
  SimulatedQueueManagerConfig,
  SimulatorFaults,
} from './config';
import {
  loadKeyRepository,
  repositoryFileFor,
  RepositoryUnreadableError,
  resolveRepositoryPassword,
  type LoadedRepository,
} from './keyRepository';
import { MqscSyntaxError, parseMqsc, type MqscParam } from './mqscParser';
import {
  failed,
  MQRC,
  ok,
  syntaxError,
  type DisplayObject,
  type MqscResult,
} from './mqscResult';

/**
 * The SNI host name MQ uses for a channel (§4): A–Z lower-cased, digits
 * kept, every other character as two hex digits and '-', then
 * `.chl.mq.ibm.com`. Written here independently of the product's encoder.
 */
export function sniNameForChannel(channel: string): string {
  let out = '';
  for (const ch of channel) {
    if (/[A-Z]/.test(ch)) out += ch.toLowerCase();
    else if (/[0-9]/.test(ch)) out += ch;
    else out += `${ch.charCodeAt(0).toString(16).padStart(2, '0')}-`;
  }
  return `${out}.chl.mq.ibm.com`;
}

interface Channel {
  name: string;
  type: string;
  certificateLabel: string;
  cipherSpec: string;
}

/** What the queue manager's processes hold since the last start or refresh. */
interface Loaded {
  repository?: LoadedRepository;
  /** Why there is no repository. */
  error?: string;
  /** The label used without a channel SNI. */
  queueManagerLabel: string;
  /** Channel name → its own CERTLABL ('' = none), as at the refresh. */
  channelLabels: Map<string, string>;
  at: string;
}

/** A line of the simulated error log. */
export interface SimulatorEvent {
  at: string;
  message: string;
}

/** The observable state, for tests and the control API. */
export interface QueueManagerState {
  name: string;
  listener: { host: string; port: number };
  attributes: { SSLKEYR: string; CERTLABL: string; KEYRPWD: boolean };
  channels: {
    name: string;
    type: string;
    certificateLabel: string;
    sniHostname: string;
  }[];
  loaded: {
    sslKeyRepository?: string;
    error?: string;
    queueManagerLabel: string;
    labels: { label: string; serialNumber: string; subject: string }[];
    at: string;
  };
  refreshes: number;
  faults: SimulatorFaults;
  handshakes: Record<string, number>;
  failedHandshakes: number;
  events: SimulatorEvent[];
}

function canonicalSerial(hex: string): string {
  let h = hex.toLowerCase();
  if (h.length % 2) h = `0${h}`;
  while (h.length > 2 && h.startsWith('00')) h = h.slice(2);
  return h.match(/../g)!.join(':');
}

const param = (params: MqscParam[], keyword: string) =>
  params.find(p => p.keyword === keyword);

const QMGR_ATTRIBUTES = [
  'QMNAME',
  'DESCR',
  'CERTLABL',
  'SSLKEYR',
  'KEYRPWD',
  'SSLFIPS',
];
const CHANNEL_ATTRIBUTES = [
  'CHANNEL',
  'CHLTYPE',
  'CERTLABL',
  'SSLCIPH',
  'SSLCAUTH',
  'SSLPEER',
  'DESCR',
];

export class SimulatedQueueManager {
  readonly name: string;
  private sslkeyr: string;
  private certlabl: string;
  private keyrpwd: string;
  private readonly channels = new Map<string, Channel>();
  private loaded: Loaded;
  private faults: SimulatorFaults;
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private address = { host: '127.0.0.1', port: 0 };
  private refreshes = 0;
  private readonly handshakes: Record<string, number> = {};
  private failedHandshakes = 0;
  private readonly events: SimulatorEvent[] = [];
  private readonly emptyContext = tls.createSecureContext({});

  constructor(private readonly config: SimulatedQueueManagerConfig) {
    if (!/^[A-Za-z0-9._/%]{1,48}$/.test(config.name)) {
      throw new Error(
        `queue manager name '${config.name}' is not valid in MQ (1–48 of A–Z a–z 0–9 . / _ %)`,
      );
    }
    this.name = config.name;
    this.sslkeyr = config.sslKeyRepository ?? '';
    this.certlabl = config.certificateLabel ?? '';
    this.keyrpwd = config.keyRepositoryPassword ?? '';
    this.faults = { ...(config.faults ?? {}) };
    for (const c of config.channels ?? []) this.addChannel(c);
    this.loaded = this.load(false);
  }

  private addChannel(c: SimulatedChannelConfig): void {
    this.channels.set(c.name, {
      name: c.name,
      type: c.type ?? 'SVRCONN',
      certificateLabel: c.certificateLabel ?? '',
      cipherSpec: c.cipherSpec ?? 'ANY_TLS12_OR_HIGHER',
    });
  }

  /** The label MQ uses when CERTLABL is blank. */
  get defaultLabel(): string {
    return `ibmwebspheremq${this.name.toLowerCase()}`;
  }

  private log(message: string): void {
    this.events.push({ at: new Date().toISOString(), message });
    if (this.events.length > 200) this.events.shift();
  }

  /** Reads the repository as a starting or refreshing process would. */
  private load(refresh: boolean): Loaded {
    const base = {
      queueManagerLabel: this.certlabl || this.defaultLabel,
      channelLabels: new Map(
        [...this.channels.values()].map(c => [c.name, c.certificateLabel]),
      ),
      at: new Date().toISOString(),
    };
    if (!this.sslkeyr) return { ...base, error: 'SSLKEYR is blank' };
    const file = repositoryFileFor(this.sslkeyr);
    try {
      if (refresh && this.faults.unreadableRepository) {
        throw new RepositoryUnreadableError(
          `key repository ${file} cannot be read (injected fault)`,
        );
      }
      const repository = loadKeyRepository(
        file,
        resolveRepositoryPassword(file, this.keyrpwd),
      );
      if (refresh && this.faults.labelMissingAfterRefresh) {
        this.faults.labelMissingAfterRefresh = false;
        repository.labels.delete(base.queueManagerLabel);
      }
      return { ...base, repository };
    } catch (e) {
      if (!(e instanceof RepositoryUnreadableError)) throw e;
      this.log(`key repository not loaded: ${e.message}`);
      return { ...base, error: e.message };
    }
  }

  // ------------------------------------------------------------------ TLS

  /** The label a connection gets, by its SNI name (§4). */
  private labelFor(servername: string | undefined): {
    label: string;
    channel: string;
  } {
    if (servername) {
      for (const [channel, own] of this.loaded.channelLabels) {
        if (sniNameForChannel(channel) === servername.toLowerCase()) {
          return { label: own || this.loaded.queueManagerLabel, channel };
        }
      }
    }
    return { label: this.loaded.queueManagerLabel, channel: '????' };
  }

  /** The context for a connection, or undefined when its label is not loaded. No side effects. */
  private contextFor(
    servername: string | undefined,
  ): tls.SecureContext | undefined {
    if (this.faults.labelNotFound) return undefined;
    return this.loaded.repository?.labels.get(this.labelFor(servername).label)
      ?.context;
  }

  /** Logs what MQ logs when a handshake finds no certificate (§8 #1). */
  private logMissingCertificate(servername: string | undefined): void {
    const { label, channel } = this.labelFor(servername);
    this.failedHandshakes += 1;
    this.log(
      this.loaded.repository || this.faults.labelNotFound
        ? `AMQ9645E: Certificate label '${label}' not found for channel '${channel}'.`
        : `AMQ9637E: Channel '${channel}' is lacking a certificate (${this.loaded.error}).`,
    );
  }

  /** Starts the TLS listener. */
  async start(): Promise<void> {
    const host = this.config.listener?.host ?? '127.0.0.1';
    const server = net.createServer(raw => {
      this.sockets.add(raw);
      raw.on('close', () => this.sockets.delete(raw));
      raw.setTimeout(30_000, () => raw.destroy());
      const socket = new tls.TLSSocket(raw, {
        isServer: true,
        // Used when the client sends no SNI: chosen per connection, so a
        // refresh takes effect for the next connection.
        secureContext: this.contextFor(undefined) ?? this.emptyContext,
        SNICallback: (servername, cb) => {
          const context = this.contextFor(servername);
          if (context) cb(null, context);
          else cb(new Error(`no certificate for ${servername}`));
        },
      });
      let secured = false;
      socket.on('secure', () => {
        secured = true;
        const { label } = this.labelFor(socket.servername || undefined);
        this.handshakes[label] = (this.handshakes[label] ?? 0) + 1;
      });
      socket.on('error', () => {
        if (!secured && !this.contextFor(socket.servername || undefined)) {
          this.logMissingCertificate(socket.servername || undefined);
        }
        raw.destroy();
      });
    });
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.listener?.port ?? 0, host, () => resolve());
    });
    const address = server.address() as net.AddressInfo;
    this.address = { host, port: address.port };
    this.server = server;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>(resolve =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
    this.server = undefined;
  }

  get listener(): { host: string; port: number } {
    return { ...this.address };
  }

  // ------------------------------------------------------------------ faults and state

  setFaults(faults: SimulatorFaults): SimulatorFaults {
    this.faults = { ...this.faults, ...faults };
    return { ...this.faults };
  }

  clearFaults(): void {
    this.faults = {};
  }

  state(): QueueManagerState {
    const labels = [...(this.loaded.repository?.labels.values() ?? [])].map(
      l => ({
        label: l.label,
        serialNumber: canonicalSerial(l.leaf.serialNumber),
        subject: l.leaf.subject.split('\n').reverse().join(','),
      }),
    );
    return {
      name: this.name,
      listener: this.listener,
      attributes: {
        SSLKEYR: this.sslkeyr,
        CERTLABL: this.certlabl,
        KEYRPWD: Boolean(this.keyrpwd),
      },
      channels: [...this.channels.values()].map(c => ({
        name: c.name,
        type: c.type,
        certificateLabel: c.certificateLabel,
        sniHostname: sniNameForChannel(c.name),
      })),
      loaded: {
        sslKeyRepository: this.loaded.repository?.file,
        error: this.loaded.error,
        queueManagerLabel: this.loaded.queueManagerLabel,
        labels,
        at: this.loaded.at,
      },
      refreshes: this.refreshes,
      faults: { ...this.faults },
      handshakes: { ...this.handshakes },
      failedHandshakes: this.failedHandshakes,
      events: [...this.events],
    };
  }

  // ------------------------------------------------------------------ MQSC

  /** Runs one MQSC command. */
  execute(command: string): MqscResult {
    let parsed;
    try {
      parsed = parseMqsc(command);
    } catch (e) {
      if (e instanceof MqscSyntaxError) return syntaxError(command);
      throw e;
    }
    const { verb, object, objectValue, params } = parsed;
    if (verb === 'DISPLAY' && object === 'QMGR')
      return this.displayQmgr(command, params);
    if (verb === 'ALTER' && object === 'QMGR')
      return this.alterQmgr(command, params);
    if (verb === 'REFRESH' && object === 'SECURITY') {
      const type = param(params, 'TYPE')?.value ?? 'AUTHSERV';
      if (
        !['SSL', 'AUTHSERV', 'CONNAUTH'].includes(type) ||
        (objectValue && objectValue !== '*')
      ) {
        return syntaxError(command);
      }
      return type === 'SSL'
        ? this.refreshSsl(command)
        : ok(command, 'AMQ8560I: IBM MQ security cache refreshed.');
    }
    if (verb === 'DISPLAY' && object === 'CHANNEL')
      return this.displayChannel(command, objectValue, params);
    if (verb === 'ALTER' && object === 'CHANNEL')
      return this.alterChannel(command, objectValue, params);
    return syntaxError(command);
  }

  private displayQmgr(command: string, params: MqscParam[]): MqscResult {
    const wanted = params.some(p => p.keyword === 'ALL')
      ? QMGR_ATTRIBUTES
      : ['QMNAME', ...params.map(p => p.keyword)];
    if (
      wanted.some(w => !QMGR_ATTRIBUTES.includes(w)) ||
      params.some(p => p.value !== undefined)
    ) {
      return syntaxError(command);
    }
    const values: Record<string, string> = {
      QMNAME: this.name,
      DESCR: '',
      CERTLABL: this.certlabl,
      SSLKEYR: this.sslkeyr,
      KEYRPWD: this.keyrpwd ? '********' : '',
      SSLFIPS: 'NO',
    };
    const attributes = [...new Set(wanted)].map(
      k => [k, values[k]] as [string, string],
    );
    return {
      ...ok(command),
      objects: [
        { header: 'AMQ8408I: Display Queue Manager details.', attributes },
      ],
    };
  }

  private alterQmgr(command: string, params: MqscParam[]): MqscResult {
    const changes: Record<string, string> = {};
    for (const p of params) {
      if (
        !['SSLKEYR', 'CERTLABL', 'KEYRPWD', 'DESCR'].includes(p.keyword) ||
        p.value === undefined
      ) {
        return syntaxError(command);
      }
      changes[p.keyword] = p.value.trim();
    }
    if (
      (changes.SSLKEYR ?? '').length > 256 ||
      (changes.CERTLABL ?? '').length > 64
    ) {
      return failed(
        command,
        MQRC.COMMAND_FAILED,
        'AMQ8427E: Valid syntax for the MQSC command: value too long.',
      );
    }
    if ('SSLKEYR' in changes) this.sslkeyr = changes.SSLKEYR;
    if ('CERTLABL' in changes) this.certlabl = changes.CERTLABL;
    if ('KEYRPWD' in changes) this.keyrpwd = changes.KEYRPWD;
    return ok(command, 'AMQ8005I: IBM MQ queue manager changed.');
  }

  private refreshSsl(command: string): MqscResult {
    const timeouts = this.faults.refreshTimeouts;
    if (timeouts === true || (typeof timeouts === 'number' && timeouts > 0)) {
      if (typeof timeouts === 'number')
        this.faults.refreshTimeouts = timeouts - 1;
      this.log(
        'AMQ9710E: REFRESH SECURITY TYPE(SSL) did not complete within the time limit.',
      );
      return failed(
        command,
        MQRC.COMMAND_FAILED,
        'AMQ9710E: REFRESH SECURITY TYPE(SSL) did not complete within the time limit. Retry later or stop some TLS channels first.',
      );
    }
    const next = this.load(true);
    if (
      next.error &&
      this.config.unreadableRepositoryOnRefresh === 'refresh-fails'
    ) {
      return failed(
        command,
        MQRC.KEY_REPOSITORY_ERROR,
        this.config.refreshFailureText ??
          'AMQ9660E: SSL key repository: password stash file absent or unusable.',
      );
    }
    this.loaded = next;
    this.refreshes += 1;
    return ok(command, 'AMQ8560I: IBM MQ security cache refreshed.');
  }

  private displayChannel(
    command: string,
    name: string | undefined,
    params: MqscParam[],
  ): MqscResult {
    if (!name) return syntaxError(command);
    const chltype = param(params, 'CHLTYPE')?.value;
    const requested = params
      .filter(p => p.keyword !== 'CHLTYPE')
      .map(p => p.keyword);
    const all = requested.includes('ALL');
    if (requested.some(r => r !== 'ALL' && !CHANNEL_ATTRIBUTES.includes(r)))
      return syntaxError(command);
    const matches = [...this.channels.values()].filter(
      c =>
        (name.endsWith('*')
          ? c.name.startsWith(name.slice(0, -1))
          : c.name === name) &&
        (!chltype || c.type === chltype),
    );
    if (matches.length === 0) {
      return failed(
        command,
        MQRC.UNKNOWN_OBJECT_NAME,
        `AMQ8147E: IBM MQ object ${name} not found.`,
      );
    }
    const objects: DisplayObject[] = matches.map(c => {
      const values: Record<string, string> = {
        CHANNEL: c.name,
        CHLTYPE: c.type,
        CERTLABL: c.certificateLabel,
        SSLCIPH: c.cipherSpec,
        SSLCAUTH: 'REQUIRED',
        SSLPEER: '',
        DESCR: '',
      };
      const keys = all
        ? CHANNEL_ATTRIBUTES
        : ['CHANNEL', 'CHLTYPE', ...requested];
      return {
        header: 'AMQ8414I: Display Channel details.',
        attributes: [...new Set(keys)].map(
          k => [k, values[k]] as [string, string],
        ),
      };
    });
    return { ...ok(command), objects };
  }

  private alterChannel(
    command: string,
    name: string | undefined,
    params: MqscParam[],
  ): MqscResult {
    const channel = name ? this.channels.get(name) : undefined;
    const chltype = param(params, 'CHLTYPE')?.value;
    if (!name || !chltype) return syntaxError(command);
    if (!channel || channel.type !== chltype) {
      return failed(
        command,
        MQRC.UNKNOWN_OBJECT_NAME,
        `AMQ8147E: IBM MQ object ${name} not found.`,
      );
    }
    for (const p of params) {
      if (p.keyword === 'CHLTYPE') continue;
      if (p.keyword === 'CERTLABL' && p.value !== undefined)
        channel.certificateLabel = p.value.trim();
      else if (p.keyword === 'SSLCIPH' && p.value !== undefined)
        channel.cipherSpec = p.value.trim();
      else return syntaxError(command);
    }
    return ok(command, 'AMQ8016I: IBM MQ channel changed.');
  }
}
