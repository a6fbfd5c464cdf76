export { MqscError } from './MqscError';
export type { MqscErrorDetails, MqscTransport } from './MqscError';
export {
  extractMessageIds,
  hintForMessageId,
  isRetryableMessageId,
} from './messages';
export {
  parseDisplayObjects,
  parseMqscAttributes,
  redactMqscCommand,
  validateMqscCommand,
} from './mqscText';
export type { MqscAttributes } from './mqscText';
export {
  encodeQueueManagerForUrl,
  parseMqwebError,
  parseRunCommandResponse,
} from './restResponse';
export type { MqwebErrorItem, ParsedRunCommandResponse } from './restResponse';
export { RestMqscRunner } from './RestMqscRunner';
export type { RestMqscAuth, RestMqscRunnerOptions } from './RestMqscRunner';
export { parseRunmqscOutput } from './runmqscOutput';
export type { ParsedRunmqscOutput, RunmqscSummary } from './runmqscOutput';
export { RunmqscMqscRunner } from './RunmqscMqscRunner';
export type { RunmqscMqscRunnerOptions } from './RunmqscMqscRunner';
export {
  DISPLAY_QMGR_TLS_COMMAND,
  REFRESH_SSL_COMMAND,
  CutoverError,
  buildAlterQmgrTlsCommand,
  buildCutoverCommands,
  buildRollbackCommands,
  cutOver,
  parseQmgrTlsSettings,
  readQmgrTlsSettings,
  refreshSslSecurity,
  rollBackCutover,
  validateSslKeyRepository,
} from './cutover';
export type {
  CutoverOptions,
  CutoverResult,
  CutoverStage,
  RefreshOptions,
} from './cutover';
export { assertCutoverPreflight, checkCutoverPreflight } from './preflight';
export type {
  CutoverPreflightInput,
  CutoverPreflightResult,
} from './preflight';
export { createMqscRunner, listMqAdminNames } from './config';
export type { MqscRunnerDeps } from './config';
