/*
 * The interfaces that keep the rotation changeable (shared/DESIGN.md,
 * "Interfaces that keep it changeable"). Each has implementations chosen by
 * configuration; the backend plugin and the scaffolder actions only see
 * these. Key material appears only in IssuedCertificate.privateKeyPem and
 * KeystoreEntryInput.privateKeyPem, which live in memory or a 0600 file and
 * are never logged, returned by an API, checkpointed or stored in a database.
 */
import type {
  CertificateSummary,
  KeyRepositoryFormat,
  RotationCertificate,
} from '@mqcert/plugin-mq-certificates-common';

// ---------------------------------------------------------------- issuance

/** A request to issue (or sign) one certificate from a PKI role. */
export interface IssueRequest {
  /** Vault mount and role, e.g. `{ mount: 'pki_int', role: 'mq-queue-managers' }`. */
  role: { mount: string; role: string };
  commonName: string;
  /** DNS SANs beyond the common name. */
  altNames?: string[];
  ipSans?: string[];
  /** Duration string such as `720h`; omitted means the role's ttl. */
  ttl?: string;
}

/** What an issuer returns. */
export interface IssuedCertificate {
  /** Leaf certificate PEM. */
  certificatePem: string;
  /** Issuer certificates, ordered leaf's issuer first, root last when known. */
  chainPem: string[];
  /** Present for `issue`, absent for `sign`. Secret: never log or persist. */
  privateKeyPem?: string;
  privateKeyType?: 'rsa' | 'ec' | 'ed25519';
  /** Canonical lower-case colon hex. */
  serialNumber: string;
  /** Read from the certificate itself (Vault may cut the TTL). */
  notBefore: string;
  notAfter: string;
  fingerprintSha256: string;
  summary: CertificateSummary;
  /** Warnings from the issuer (e.g. Vault's TTL cut), passed through as-is. */
  warnings: string[];
  /**
   * Whether `chainPem` ends at a self-signed root. False when Vault's chain
   * stops at an intermediate whose root it does not know and no configured
   * CA certificate completed it.
   */
  chainComplete?: boolean;
}

/** Issues certificates. Implementation: Vault PKI. */
export interface CertificateIssuer {
  issue(request: IssueRequest): Promise<IssuedCertificate>;
  sign(csrPem: string, request: IssueRequest): Promise<IssuedCertificate>;
}

/** A reference to a secret stored in Vault KV v2 (never the secret itself). */
export interface SecretRef {
  /** KV v2 mount, e.g. `secret`. */
  mount: string;
  /** Path below the mount, e.g. `mq/keystores/resource-default-qm1`. */
  path: string;
  version: number;
}

/**
 * Everything the product asks of Vault. Implementation: node-vault with
 * retries, token lifecycle and typed errors.
 */
export interface VaultPkiClient extends CertificateIssuer {
  readCertificate(
    mount: string,
    serial: string,
  ): Promise<{ certificatePem: string; revoked: boolean; revokedAt?: string }>;
  /** Serials in canonical form; an empty list when Vault answers 404 with no errors. */
  listCertificates(mount: string): Promise<string[]>;
  /**
   * Revokes by serial (idempotent). `revokedAt` is absent when Vault did not
   * add the certificate to its CRL (an expired certificate: see warnings).
   */
  revoke(
    mount: string,
    serial: string,
  ): Promise<{ revokedAt?: string; warnings: string[] }>;
  /** The default issuer's chain, issuer first. */
  readCaChain(mount: string): Promise<string[]>;
  readRole(mount: string, role: string): Promise<Record<string, unknown>>;
  kvRead(
    mount: string,
    path: string,
    version?: number,
  ): Promise<{ data: Record<string, string>; version: number }>;
  kvWrite(
    mount: string,
    path: string,
    data: Record<string, string>,
    options?: { cas?: number },
  ): Promise<SecretRef>;
}

// ---------------------------------------------------------------- commands

/** Output of a command. */
export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Options of one command run. */
export interface CommandOptions {
  /** Fed to standard input (MQSC scripts, `at` job scripts). */
  stdin?: string | Buffer;
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /**
   * Values (passwords) that must not appear in any error message or log
   * line this runner produces; they are replaced by `***`.
   */
  secretValues?: string[];
}

/**
 * Runs a program with an argument vector. Local runners never use a shell;
 * remote (SSH) runners quote every argument by POSIX shell rules after the
 * caller has validated it.
 */
export interface CommandRunner {
  run(
    command: string,
    args: string[],
    options?: CommandOptions,
  ): Promise<CommandResult>;
}

// ---------------------------------------------------------------- keystores

/** One personal certificate to put into a key repository. */
export interface KeystoreEntryInput {
  label: string;
  certificatePem: string;
  /** Secret. */
  privateKeyPem: string;
  /** Issuer chain in any order; builders order it leaf-first. */
  chainPem: string[];
}

/** A file of a built key repository, named by its suffix. */
export interface KeystoreFile {
  /** `.p12`, or for CMS `.kdb`, `.rdb`, `.crl`, `.sth`. */
  suffix: string;
  content: Buffer;
  sha256: string;
}

/** The result of building a key repository. */
export interface BuiltKeystore {
  format: KeyRepositoryFormat;
  /** The main file first (.p12 or .kdb). */
  files: KeystoreFile[];
  labels: string[];
  /** Profile used (PKCS#12 only), e.g. `compat-3des` or `aes256`. */
  profile?: string;
  /** The personal certificates, one per label, in entry order (never key material). */
  certificates: RotationCertificate[];
  /** Chain problems that did not stop the build (e.g. a chain without its root). */
  warnings: string[];
}

/** Options of {@link KeystoreFormat.build}. */
export interface KeystoreBuildOptions {
  /** Secret: the key repository password. Printable ASCII; see validateKeystorePassword. */
  password: string;
  /** PKCS#12 profile (`aes256` default, `compat-3des`); for KDB, the profile of the imported file. */
  profile?: string;
  /**
   * CA certificates (PEM) the chains must end at. A chain that stops one
   * step short of an anchor (Vault's ca_chain without the root) is completed
   * with it; one that reaches none is refused.
   */
  trustAnchorsPem?: string[];
  /** Refuse a chain that does not reach a self-signed root (KDB always requires it). */
  requireCompleteChain?: boolean;
}

/** One entry found when a key repository is opened. */
export interface KeystoreLabelInfo {
  label: string;
  /** Personal certificate (has a private key) or a trusted CA. */
  personal: boolean;
  certificate: CertificateSummary;
  /** For personal certificates: the chain found in the repository, leaf's issuer first. */
  chain: CertificateSummary[];
}

/** The result of opening a key repository with its password. */
export interface KeystoreInspection {
  format: KeyRepositoryFormat;
  entries: KeystoreLabelInfo[];
  /** How the file is protected (PKCS#12): MAC digest and iterations, bag encryption algorithms. */
  protection?: {
    macDigest?: string;
    macIterations?: number;
    keyEncryption: string[];
    certificateEncryption: string[];
  };
}

/** Builds and opens one key repository format. */
export interface KeystoreFormat {
  readonly format: KeyRepositoryFormat;
  /** Throws (and returns nothing) when any step fails; nothing is left behind. */
  build(
    entries: KeystoreEntryInput[],
    options: KeystoreBuildOptions,
  ): Promise<BuiltKeystore>;
  /** Opens the files with the password; a wrong password or an unreadable algorithm throws a KeystoreReadError. */
  inspect(files: KeystoreFile[], password: string): Promise<KeystoreInspection>;
}

/**
 * A scratch place on the host where a CommandRunner runs programs (the
 * backend itself, or an MQ host over SSH): the KDB builder writes its inputs
 * there, runs runmqakm, and reads the results back.
 */
export interface CommandWorkspace {
  readonly commands: CommandRunner;
  /** Creates a new private (0700) directory; returns its absolute path on that host. */
  createTempDir(prefix: string): Promise<string>;
  /** Writes a file (mode 0600 unless given). */
  writeFile(
    absolutePath: string,
    content: Buffer,
    mode?: number,
  ): Promise<void>;
  readFile(absolutePath: string): Promise<Buffer>;
  /** Removes a directory made by createTempDir and everything in it. */
  removeDir(absolutePath: string): Promise<void>;
}

// ---------------------------------------------------------------- deploy targets

/** A staged revision of a key repository. */
export interface StagedRevision {
  /** Path of the main file relative to the target root, e.g. `qm1/ssl/key-20261203T195200Z-cc3f3ee2.p12`. */
  relativePath: string;
  /** The path MQ uses in SSLKEYR (absolute on the MQ host; for KDB the stem). */
  sslKeyRepository: string;
  files: { relativePath: string; sha256: string }[];
  /** False when the same revision was already staged with identical content. */
  created: boolean;
}

/** A revision found beside the live repository. */
export interface RevisionInfo {
  /** E.g. `20261203T195200Z-cc3f3ee2` (UTC time of staging, serial prefix). */
  revisionId: string;
  /** Path of the main file (.p12 or .kdb) relative to the target root. */
  relativePath: string;
  sslKeyRepository: string;
  /** Every file of the revision (for KDB the .kdb/.rdb/.crl/.sth found), relative to the root. */
  files: string[];
  modifiedAt: string;
  /** Total size of the revision's files. */
  sizeBytes: number;
}

/** Where key repositories are staged: a local folder or an SSH host. */
export interface DeployTarget {
  readonly name: string;
  readonly type: 'local' | 'ssh';
  /** Writes a new revision beside `stem` (temp name, fsync, rename, read back, compare SHA-256, mode 0600). */
  stage(request: {
    stem: string;
    revisionId: string;
    files: KeystoreFile[];
  }): Promise<StagedRevision>;
  listRevisions(stem: string): Promise<RevisionInfo[]>;
  readFile(relativePath: string): Promise<Buffer>;
  /**
   * Removes all but the newest `keep` revisions; never those in `protect`
   * (which must name at least the live repository: relative paths, or MQ
   * paths such as the SSLKEYR from DISPLAY QMGR, with or without extension).
   * Returns the removed files' relative paths.
   */
  pruneRevisions(
    stem: string,
    keep: number,
    protect: string[],
  ): Promise<string[]>;
  /** The absolute path on the MQ host for a path relative to the root. */
  resolvePath(relativePath: string): string;
  /**
   * The absolute path on the target host itself (where commands and `at`
   * jobs run); differs from resolvePath when the MQ host mounts the folder
   * elsewhere (`mqRoot`).
   */
  hostPath?(relativePath: string): string;
  /** Remote or local command execution on the target host. */
  readonly commands: CommandRunner;
  /** Revisions to keep when pruning, when the target's configuration sets it. */
  readonly keepRevisions?: number;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- MQSC

/** One command's response. */
export interface MqscCommandResponse {
  command: string;
  completionCode: number;
  reasonCode: number;
  text: string[];
  /** AMQ/MQWB message ids found in the text, e.g. `AMQ8005I`. */
  messageIds: string[];
}

/** Runs MQSC commands against a queue manager (REST mqweb or SSH runmqsc). */
export interface MqscRunner {
  /** Throws an MqscError on transport or command failure. */
  run(queueManager: string, commands: string[]): Promise<MqscCommandResponse[]>;
}

/** The queue manager's TLS key repository settings. */
export interface QmgrTlsSettings {
  sslKeyRepository: string;
  certificateLabel: string;
}

// ---------------------------------------------------------------- at scheduling

/** An `at` job on a host. */
export interface AtJob {
  id: string;
  /** ISO UTC. */
  runAt: string;
  queue?: string;
  user?: string;
}

/** Host-side deferred runs with `at` (UTC). */
export interface AtScheduler {
  schedule(
    runAt: Date,
    script: string,
    options: { logFile: string },
  ): Promise<AtJob>;
  list(): Promise<AtJob[]>;
  cancel(id: string): Promise<void>;
}

// ---------------------------------------------------------------- TLS probe

/** What a listener served for one connection. */
export interface ProbeResult {
  host: string;
  port: number;
  servername?: string;
  certificate: CertificateSummary;
  /** The rest of what was sent, in the order sent. */
  chain: CertificateSummary[];
  /** Whether the chain verifies against the configured CA certificates. */
  trusted: boolean;
  trustError?: string;
}

/** Connects to TLS listeners and reports what they serve. */
export interface TlsProbe {
  probe(options: {
    host: string;
    port: number;
    servername?: string;
    timeoutMs?: number;
    /** Aborts the probe (it rejects with the signal's reason). */
    signal?: AbortSignal;
  }): Promise<ProbeResult>;
}
