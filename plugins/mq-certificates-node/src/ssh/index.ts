export { SshConnection, type SshConnectionOptions } from './SshConnection';
export { SshCommandRunner } from './SshCommandRunner';
export {
  SshConnectionError,
  type SshConnectionFailure,
} from './SshConnectionError';
export { readSshConnectionOptions } from './readSshConnectionOptions';
export {
  normalizeSshFingerprint,
  sshKeyFingerprintSha256,
} from './hostKeyFingerprint';
export { buildPosixCommandLine, quotePosixShellArg } from './shellQuote';
export { createSshCommandRunner } from './createSshCommandRunner';
