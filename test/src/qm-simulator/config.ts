/*
 * The simulator's configuration (see README.md beside this file for the
 * file format). Ports 0 mean "pick a free one".
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

/** Failure injection, per queue manager (also settable at run time). */
export interface SimulatorFaults {
  /** The next N REFRESH SECURITY TYPE(SSL) fail with AMQ9710 (refresh timed out); `true` = all of them. */
  refreshTimeouts?: number | boolean;
  /** TLS handshakes fail now, as if the loaded repository lacked every label (AMQ9645E). */
  labelNotFound?: boolean;
  /** Refreshes find the repository unreadable (corrupt, wrong password), whatever the file holds. */
  unreadableRepository?: boolean;
  /** The next refresh loads the repository without the queue manager's CERTLABL label. */
  labelMissingAfterRefresh?: boolean;
}

/** A TLS channel of a simulated queue manager. */
export interface SimulatedChannelConfig {
  name: string;
  /** Default SVRCONN. */
  type?: 'SVRCONN' | 'RCVR' | 'SDR' | 'CLUSRCVR';
  /** The channel's own CERTLABL (blank = the queue manager's). */
  certificateLabel?: string;
  /** Default ANY_TLS12_OR_HIGHER. */
  cipherSpec?: string;
}

/** One simulated queue manager. */
export interface SimulatedQueueManagerConfig {
  name: string;
  /** Default 127.0.0.1:0. */
  listener?: { host?: string; port?: number };
  /** SSLKEYR at start (absolute path; a stem means `<stem>.kdb`). Blank = no TLS. */
  sslKeyRepository?: string;
  /** CERTLABL at start; blank means the default `ibmwebspheremq<qm lower case>`. */
  certificateLabel?: string;
  /** The repository password (as KEYRPWD); omitted = the `.sth` stash beside the repository. */
  keyRepositoryPassword?: string;
  channels?: SimulatedChannelConfig[];
  faults?: SimulatorFaults;
  /**
   * What REFRESH does when the repository cannot be read. IBM's docs do not
   * say (shared/reference/ibm-mq.md §1: "not found"), so both are offered:
   * `channels-fail` (default; the refresh succeeds and TLS handshakes fail)
   * or `refresh-fails` (the command fails with `refreshFailureText`).
   */
  unreadableRepositoryOnRefresh?: 'channels-fail' | 'refresh-fails';
  /** Message of a failing refresh in `refresh-fails` mode. */
  refreshFailureText?: string;
}

/** The simulated mqweb (one per simulator, serving every queue manager, like one host's mqweb). */
export interface SimulatedRestConfig {
  /** Default true. */
  enabled?: boolean;
  host?: string;
  /** Default 0 (free port). */
  port?: number;
  /** Basic-auth users. Default one user admin / passw0rd (the MQ developer image's defaults). */
  users?: { username: string; password: string }[];
  /** PEM CA whose client certificates are accepted (CN = user name). */
  clientCaPem?: string;
  /** mqweb's own certificate; default one issued by a throwaway CA (see `caPem` in the handle). */
  certificatePem?: string;
  privateKeyPem?: string;
  /** HTTP status of the MQWB0100E answer (missing CSRF header); not confirmed by IBM docs. Default 403. */
  csrfFailureStatus?: number;
}

/** The whole simulator. */
export interface QueueManagerSimulatorConfig {
  queueManagers: SimulatedQueueManagerConfig[];
  rest?: SimulatedRestConfig;
  /** The control API used by tests and the runmqsc stand-in (loopback only). */
  control?: { host?: string; port?: number };
  /** Where the runmqsc wrapper and control.json are written. Default: a new temp dir. */
  stateDir?: string;
}

/** Reads a YAML or JSON config file; relative paths in it are resolved against its folder. */
export function loadSimulatorConfigFile(
  file: string,
): QueueManagerSimulatorConfig {
  const text = fs.readFileSync(file, 'utf8');
  const raw = (
    file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text)
  ) as QueueManagerSimulatorConfig;
  if (
    !raw ||
    !Array.isArray(raw.queueManagers) ||
    raw.queueManagers.length === 0
  ) {
    throw new Error(
      `${file}: queueManagers must list at least one queue manager (see test/src/qm-simulator/README.md)`,
    );
  }
  const dir = path.dirname(path.resolve(file));
  const abs = (p: string | undefined) =>
    p && !path.isAbsolute(p) ? path.resolve(dir, p) : p;
  for (const qm of raw.queueManagers) {
    if (qm.sslKeyRepository) qm.sslKeyRepository = abs(qm.sslKeyRepository);
  }
  if (raw.stateDir) raw.stateDir = abs(raw.stateDir);
  return raw;
}
